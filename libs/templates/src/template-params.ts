import { ChainmailError } from '@chainmail/contracts';
import { isMap, parseDocument, visit } from 'yaml';
import type { TemplateParameter, WorkflowTemplate } from './template';

export type ParamValues = Record<string, string | number | boolean>;

const PLACEHOLDER = /\$\{([a-z][a-z0-9_]*)\}/g;
const WHOLE = /^\$\{([a-z][a-z0-9_]*)\}$/;
const AGENT_ADDRESS = /^[a-z0-9][a-z0-9._+-]*@([a-z0-9-]+(\.[a-z0-9-]+)*)?$/i;
const WORKFLOW_NAME = /^[a-z0-9][a-z0-9-]*$/;
const MAX_TEXT = 2_000;

/**
 * Checks and converts the values given for a template's parameters (`--param k=v` sends text;
 * JSON may send numbers and booleans): unknown names, wrong types and bad agent addresses are
 * errors, each named; a parameter not given takes its default.
 */
export function resolveParams(template: WorkflowTemplate, given: Record<string, unknown> = {}): ParamValues {
  const issues: { param: string; message: string }[] = [];
  const known = new Map(template.parameters.map((p) => [p.name, p]));
  for (const name of Object.keys(given)) {
    if (!known.has(name)) {
      const names = template.parameters.map((p) => p.name).join(', ') || 'none';
      issues.push({
        param: name,
        message: `"${name}" is not a parameter of ${template.id} (its parameters: ${names})`,
      });
    }
  }
  const values: ParamValues = {};
  for (const param of template.parameters) {
    const raw = given[param.name];
    if (raw === undefined || raw === null) {
      values[param.name] = param.default;
      continue;
    }
    const converted = convert(param, raw);
    if (typeof converted === 'string' && converted.startsWith('\u0000')) {
      issues.push({ param: param.name, message: converted.slice(1) });
    } else values[param.name] = converted;
  }
  if (issues.length > 0) {
    throw new ChainmailError(
      'TEMPLATE_PARAMS_INVALID',
      `The parameters for template "${template.id}" have ${issues.length} problem(s): ${issues.map((i) => i.message).join('; ')}.`,
      { template: template.id, issues },
    );
  }
  return values;
}

/** The converted value, or a message prefixed with NUL. */
function convert(param: TemplateParameter, raw: unknown): string | number | boolean {
  const bad = (expected: string): string =>
    `\u0000${param.name} must be ${expected} (got ${JSON.stringify(raw)?.slice(0, 60)})`;
  switch (param.type) {
    case 'number': {
      const n =
        typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      return Number.isFinite(n) ? n : bad('a number');
    }
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      return bad('true or false');
    case 'agent':
      return typeof raw === 'string' && AGENT_ADDRESS.test(raw.trim())
        ? raw.trim()
        : bad('an agent address such as research@');
    case 'string':
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') return bad('text');
      if (String(raw).length > MAX_TEXT) return bad(`at most ${MAX_TEXT} characters`);
      return String(raw);
  }
}

/**
 * The template's workflow with every `${parameter}` replaced and its `name` set. Replacement is
 * done on the parsed YAML, value by value, so a parameter's text never becomes YAML syntax: a
 * scalar that is only `${p}` takes the parameter's typed value, others get its text inserted.
 */
export function renderWorkflow(template: WorkflowTemplate, name: string, values: ParamValues): string {
  if (!WORKFLOW_NAME.test(name) || name.length > 100) {
    throw new ChainmailError(
      'TEMPLATE_PARAMS_INVALID',
      `"${name}" is not a workflow name: use lower-case letters, digits and '-', starting with a letter or digit.`,
      { template: template.id, issues: [{ param: 'name', message: 'not a workflow name' }] },
    );
  }
  const doc = parseDocument(template.workflow, { keepSourceTokens: false });
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      const whole = WHOLE.exec(node.value);
      if (whole?.[1] !== undefined && whole[1] in values) {
        const value = values[whole[1]]!;
        node.value = value;
        if (typeof value !== 'string') node.type = 'PLAIN';
        return;
      }
      node.value = node.value.replace(PLACEHOLDER, (all, p: string) =>
        p in values ? String(values[p]) : all,
      );
    },
  });
  if (isMap(doc.contents)) doc.set('name', name);
  const left = [...doc.toString({ lineWidth: 0 }).matchAll(PLACEHOLDER)].map((m) => m[1]);
  if (left.length > 0) {
    throw new Error(`template ${template.id} uses \${${left[0]}}, which is not one of its parameters`);
  }
  return doc.toString({ lineWidth: 0 });
}
