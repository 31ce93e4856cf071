/** What a template sees of a finished (or skipped/failed) step. */
export interface StepView {
  /** The step's text output; for parallel and foreach steps, the JSON list of the children's outputs. */
  output: string;
  /** `output` parsed as JSON, when it is JSON. */
  json?: unknown;
  success: boolean;
  error?: string;
  attempts: number;
  duration_ms: number;
}

export interface RunView {
  id: string;
  started_at: string;
}

/**
 * The names a template can read. Besides the fixed names, every step view is also at top level
 * under its id (`{{research.output}}`) and every input under its bare name (`{{client}}`).
 */
export type TemplateScope = {
  inputs: Record<string, unknown>;
  vars: Record<string, unknown>;
  user_input?: string;
  trigger?: Record<string, unknown>;
  run: RunView;
  steps: Record<string, StepView>;
} & Record<string, unknown>;

export interface ScopeParts {
  inputs?: Record<string, unknown>;
  vars?: Record<string, unknown>;
  user_input?: string;
  trigger?: Record<string, unknown>;
  run: RunView;
  steps?: Record<string, StepView>;
  /** Only for rendering trigger settings and agent configuration — never step text. */
  secrets?: Record<string, string>;
  /** Names bound for one evaluation, such as a foreach step's `as` variable; they shadow the rest. */
  locals?: Record<string, unknown>;
  /**
   * Every step id of the definition. With it, `{{human-review.output}}` is read as the step even
   * before that step has a view; without it, only ids present in `steps` are recognised.
   */
  stepIds?: Iterable<string>;
}

/** Names the scope itself defines; an input or step with one of these names is refused. */
export const SCOPE_NAMES: ReadonlySet<string> = new Set([
  'inputs',
  'vars',
  'secrets',
  'user_input',
  'trigger',
  'run',
  'steps',
  'null',
  'true',
  'false',
  'in',
]);

/** Where renderTemplate finds the step ids given to buildScope (a symbol: invisible to expressions). */
export const STEP_IDS = Symbol('chainmail.stepIds');

/**
 * Builds a scope from null-prototype objects, so no expression can reach `Object.prototype`
 * through it (the evaluator also reads own properties only).
 */
export function buildScope(parts: ScopeParts): TemplateScope {
  const inputs = copy(parts.inputs);
  const steps = copy(parts.steps) as Record<string, StepView>;
  const scope = Object.create(null) as TemplateScope;
  for (const [name, value] of Object.entries(inputs)) {
    if (!SCOPE_NAMES.has(name)) scope[name] = value;
  }
  for (const [id, view] of Object.entries(steps)) {
    if (!SCOPE_NAMES.has(id)) scope[id] = view;
  }
  scope.inputs = inputs;
  scope.vars = copy(parts.vars);
  if (parts.user_input !== undefined) scope.user_input = parts.user_input;
  scope.trigger = copy(parts.trigger);
  scope.run = copy(parts.run as unknown as Record<string, unknown>) as unknown as RunView;
  scope.steps = steps;
  if (parts.secrets !== undefined) scope['secrets'] = copy(parts.secrets);
  if (parts.locals !== undefined) Object.assign(scope, copy(parts.locals));
  if (parts.stepIds !== undefined) {
    Object.defineProperty(scope, STEP_IDS, { value: new Set(parts.stepIds), enumerable: false });
  }
  return scope;
}

function copy<T>(source: Record<string, T> | undefined): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (source !== undefined && source !== null) {
    for (const key of Object.keys(source)) out[key] = source[key];
  }
  return out;
}

/** The step ids known to a scope: those given to buildScope, else the ids of its step views. */
export function stepIdsOf(scope: Readonly<Record<string, unknown>>): (id: string) => boolean {
  const given = (scope as { [STEP_IDS]?: Set<string> })[STEP_IDS];
  if (given !== undefined) return (id) => given.has(id);
  const steps = scope['steps'];
  if (steps === null || typeof steps !== 'object') return () => false;
  return (id) => Object.prototype.hasOwnProperty.call(steps, id);
}
