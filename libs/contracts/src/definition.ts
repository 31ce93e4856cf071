/**
 * The normalized, validated form of a workflow definition. The parser (`libs/workflow-dsl`) turns
 * YAML/JSON (with the seed's shorthands) into this shape; everything downstream (registry, engine,
 * scheduling) reads only this. It lives here, at the bottom layer, so events can carry it. Templates stay as source text here: they are compiled once per process and cached.
 */

export type DurationMs = number;

export type InputType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface InputDeclaration {
  name: string;
  type: InputType;
  required: boolean;
  default?: unknown;
  description?: string;
}

export type Trigger =
  | { type: 'email'; address: string; allow?: string[] }
  | { type: 'webhook'; path: string; secret?: string; public?: boolean }
  | {
      type: 'schedule';
      cron: string;
      timezone: string;
      inputs?: Record<string, unknown>;
      catchUp?: 'none' | 'last';
    }
  /** The seed's format sketch (`type: email | schedule | webhook`): accepted, binds nothing. */
  | { type: 'placeholder'; choices: string[] };

export type RetryPolicy = {
  max: number;
  backoff: 'fixed' | 'exponential';
  delayMs: DurationMs;
  maxDelayMs: DurationMs;
  jitter: boolean;
};

export type ErrorPolicy =
  { kind: 'abort' } | { kind: 'skip' } | { kind: 'continue' } | { kind: 'goto'; step: string };

/** The fields every kind of step has. */
export interface StepCommon {
  id: string;
  /** Free text for people (the builder shows it); no effect on the run. */
  description?: string;
  /** Template text, or undefined when the step takes no input. */
  input?: string;
  /** Template text evaluated to a boolean; false → StepSkipped. */
  condition?: string;
  /** Step ids this step waits for. Normalized: the previous top-level step when not given. */
  needs: string[];
  /**
   * Whether `needs` was written by the author. Written needs are data edges (a skipped or failed
   * need skips this step); the defaulted previous step is only an ordering edge. Absent in
   * definitions published before this field existed: the engine then guesses from the shape.
   */
  needsDeclared?: boolean;
  timeoutMs?: DurationMs;
  retry?: RetryPolicy;
  onError: ErrorPolicy;
  /** Loop bound for steps reachable through `goto` (`max_visits`, default 10). */
  maxVisits: number;
}

export interface AgentStep extends StepCommon {
  kind: 'agent';
  agent: string;
}
export interface CheckpointStep extends StepCommon {
  kind: 'checkpoint';
  message: string;
  actions: { approve: CheckpointAction; reject: CheckpointAction; edit: CheckpointAction };
  /**
   * Who may decide, as written: mail addresses, `owner` (the run's owner), `team:<id>` (its
   * members). Absent: the sender of the mail that started the run, else the run's owner.
   */
  approvers?: string[];
  /** How approvers are told that the checkpoint waits (default: mail). */
  notify?: CheckpointChannel[];
}
export type CheckpointChannel = 'mail' | 'webhook';
export type CheckpointAction = { kind: 'continue' } | { kind: 'abort' } | { kind: 'goto'; step: string };
export interface ParallelStep extends StepCommon {
  kind: 'parallel';
  branches: Step[];
}
export interface ForeachStep extends StepCommon {
  kind: 'foreach';
  /** Template text that must evaluate to a list. */
  items: string;
  as: string;
  concurrency: number;
  /** The body run for each item: an agent call or a sub-workflow. */
  body: { kind: 'agent'; agent: string } | { kind: 'workflow'; workflow: string };
}
export interface SwitchStep extends StepCommon {
  kind: 'switch';
  cases: { when?: string; isDefault: boolean; goto: string }[];
}
export interface WorkflowStep extends StepCommon {
  kind: 'workflow';
  workflow: string;
}

export type Step = AgentStep | CheckpointStep | ParallelStep | ForeachStep | SwitchStep | WorkflowStep;

export type OutputFormat = 'email' | 'webhook' | 'both' | 'none';

export interface OutputSpec {
  format: OutputFormat;
  /** Template text of the run's output; undefined → the last step's output. */
  template?: string;
  to?: string;
  url?: string;
  subject?: string;
}

export type RunMode = 'async' | 'sync' | 'streaming';

/** A run's budget (`limits:`); every agent call of the run counts against it. */
export interface RunLimits {
  /** US dollars, as estimated from token usage and the model price table. */
  maxCostUsd?: number;
  /** Prompt plus completion tokens. */
  maxTokens?: number;
}

export interface WorkflowDefinition {
  name: string;
  description?: string;
  triggers: Trigger[];
  inputs: InputDeclaration[];
  vars: Record<string, unknown>;
  steps: Step[];
  output: OutputSpec;
  timeoutMs: DurationMs;
  mode: RunMode;
  /** Absent: no budget. */
  limits?: RunLimits;
}

/** Where a validation issue comes from, so the API can answer with line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

export type ValidationCode =
  | 'YAML_SYNTAX'
  | 'UNKNOWN_KEY'
  | 'MISSING_KEY'
  | 'INVALID_VALUE'
  | 'BAD_DURATION'
  | 'BAD_TEMPLATE'
  | 'UNKNOWN_STEP'
  | 'DUPLICATE_STEP'
  | 'UNKNOWN_AGENT'
  | 'CYCLE'
  | 'UNREACHABLE_STEP'
  | 'TOO_LARGE'
  | 'MISSING_INPUT'
  | 'NAME_CLASH';

export interface ValidationIssue {
  code: ValidationCode;
  message: string;
  /** JSON-pointer-ish path in the document, e.g. `steps[1].input`. */
  path: string;
  line?: number;
  column?: number;
  /** How to fix it, in one sentence. */
  hint?: string;
}
