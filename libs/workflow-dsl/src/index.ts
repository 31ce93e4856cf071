// The definition types live in contracts (the bottom layer); re-exported for code that also parses.
export type {
  DurationMs,
  InputType,
  InputDeclaration,
  Trigger,
  RetryPolicy,
  ErrorPolicy,
  AgentStep,
  CheckpointStep,
  CheckpointAction,
  ParallelStep,
  ForeachStep,
  SwitchStep,
  WorkflowStep,
  Step,
  OutputFormat,
  OutputSpec,
  RunMode,
  RunLimits,
  WorkflowDefinition,
  SourcePosition,
  ValidationCode,
  ValidationIssue,
} from '@chainmail/contracts';
export { parseDuration } from './duration';
export * from './limits';
export { TemplateError } from './template/template-error';
export {
  compileTemplate,
  renderTemplate,
  evaluateExpression,
  evaluateCondition,
  templateReferences,
  isTruthy,
  type CompiledTemplate,
  type TemplateExpression,
  type StepIdSource,
} from './template/template';
export {
  buildScope,
  SCOPE_NAMES,
  type StepView,
  type RunView,
  type TemplateScope,
  type ScopeParts,
} from './template/scope';
export { stepViewOf, type RichStepView, type StepFacts } from './template/step-view';
export { parseWorkflow, type ParseOptions, type ParseResult } from './parse-workflow';
export { CronSchedule, canonicalTimeZone, type CronParseResult } from './schedule/cron';
export { describeCron } from './schedule/describe-cron';
export { stepGraph, type StepGraph } from './step-graph';
export { parseDefinition, type ParseDefinitionTask, type ParsedDefinition } from './parse-definition';
export { requirementsOf, type WorkflowRequirements } from './requirements';
