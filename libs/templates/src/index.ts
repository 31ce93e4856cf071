export * from './template';
export { TemplateLibrary, defaultTemplatesDir } from './template-library';
export { resolveParams, renderWorkflow, type ParamValues } from './template-params';
export { rewriteWorkflow } from './rewrite-workflow';
