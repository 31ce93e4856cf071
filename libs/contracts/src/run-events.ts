/**
 * Run events: the source of truth of every run. Past tense, immutable, versioned.
 * A message on `runs.<runId>` is a `RunCommit`: the events one decision produced, appended
 * atomically with the expected last sequence of the run's subject.
 */

export const RUN_EVENT_SCHEMA_VERSION = 1;

export type TriggerKind = 'api' | 'cli' | 'email' | 'webhook' | 'schedule' | 'workflow';

export interface TriggerInfo {
  kind: TriggerKind;
  /** Free-form facts about the trigger: sender, subject, webhook path, schedule tick… */
  details?: Record<string, unknown>;
}

export interface Usage {
  promptTokens?: number;
  completionTokens?: number;
  costUsd?: number;
}

/** A run's budget: `limits:` of its definition, or the share a sub-workflow run got from its parent. */
export interface RunBudget {
  maxCostUsd?: number;
  /** Prompt plus completion tokens. */
  maxTokens?: number;
}

export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
  /** The agent asked for this long before another attempt (HTTP `Retry-After`); a retry waits at least this. */
  retryAfterMs?: number;
}

/** The step of a parent run that a sub-workflow run works for. */
export interface ParentRun {
  runId: string;
  stepId: string;
  visit: number;
  attempt: number;
}

/** What a started step is; `item` is one child of a foreach step (`<id>[<index>]`). */
export type StepKindName = 'agent' | 'workflow' | 'checkpoint' | 'parallel' | 'foreach' | 'switch' | 'item';

/** Why a step was skipped: dependants of a skipped step go by it (see the engine's needs rule). */
export type SkipCause = 'condition' | 'on_error' | 'needs' | 'branch' | 'abandoned';

export type CheckpointDecision = 'approve' | 'reject' | 'edit';
/** How a checkpoint decision came: the REST API, the CLI, a reply mail, a signed link. */
export type CheckpointVia = 'api' | 'cli' | 'mail' | 'link';

/** Where a forked run came from: the run, the commit its results were read at, the step it starts from. */
export interface ForkOrigin {
  runId: string;
  seq: number;
  step: string;
}

/** A step result a forked run takes over from the run it was forked from (never re-run). */
export interface CarriedStep {
  status: 'succeeded' | 'failed' | 'skipped';
  kind?: StepKindName;
  agent?: string;
  input?: string;
  output?: string;
  items?: unknown[];
  error?: StepError;
  skipReason?: string;
  skipCause?: SkipCause;
  parent?: string;
  attempt: number;
}

export interface RunEventMap {
  RunStarted: {
    workflow: string;
    version: number;
    inputs: Record<string, unknown>;
    trigger: TriggerInfo;
    owner: string;
    actor: string;
    debug: boolean;
    /** Id of the command that started the run (dedupe key). */
    commandId: string;
    timeoutMs: number;
    /** Set on a sub-workflow run: the parent step waiting for this run's end. */
    parent?: ParentRun;
    /** Sub-workflow nesting: 0 (or absent) for a top-level run. */
    depth?: number;
    /** A sub-workflow run's budget: what its parent had left when the step started. */
    limits?: RunBudget;
    /**
     * The owner's variables at the start (never secrets): `{{vars.NAME}}` reads them under the
     * definition's own `vars`, so a replay renders what the run rendered.
     */
    vars?: Record<string, unknown>;
    /** Step-by-step debugging: the top-level steps the run pauses before (with `debug`, every one). */
    breakpoints?: string[];
    /** A forked run: where it came from, and the earlier steps' results it starts with. */
    forkedFrom?: ForkOrigin;
    carried?: Record<string, CarriedStep>;
    /**
     * W3C traceparent of the span the run was started in (its trigger's): the run's span is its
     * child, whichever process records it, so the whole run is one trace.
     */
    traceparent?: string;
  };
  /**
   * Debugging: the run waits before this visit of a top-level step (`debug`, or a breakpoint);
   * `input` is the step's resolved input (agent and workflow steps). Nothing runs for it; the
   * pause holds nothing and does not count against the run's timeout.
   */
  RunPaused: { stepId: string; visit: number; input?: string };
  /** The paused step runs (with `input` instead of its resolved input, once); the run pauses before the next. */
  RunStepped: { stepId: string; visit: number; input?: string; by: string };
  /** The paused step runs and the run goes on to the next breakpoint or its end. */
  RunResumed: { stepId: string; visit: number; by: string };
  /** A running run is asked to pause: it pauses before its next top-level step (and each after, as with `debug`). */
  RunPauseRequested: { by: string };
  /**
   * An ended run (failed, cancelled, succeeded) goes back to `toStep` and continues on its pinned
   * version: `resetStepIds` wait for their next visit (their last outputs stay readable, and the
   * log keeps the whole history). The run gets its whole `timeoutMs` again.
   */
  RunRewound: { toStep: string; resetStepIds: string[]; timeoutMs: number; by: string };
  StepStarted: {
    stepId: string;
    visit: number;
    attempt: number;
    agent?: string;
    input?: string;
    /** The step's time limit for this attempt; scheduling arms a durable timer for it. */
    timeoutMs?: number;
    /** Absent in logs written before control flow: read as 'agent'. */
    kind?: StepKindName;
    /** The parallel or foreach step this one runs inside. */
    parent?: string;
    /** A foreach item's position in the list. */
    index?: number;
    /** A sub-workflow call: the workflow to run and the id of the child run for this attempt. */
    workflow?: string;
    childRunId?: string;
    /** A foreach step: the list it goes over, as evaluated when it started. */
    items?: unknown[];
    /** A sub-workflow call in a run with a budget: what the child run may spend (the rest). */
    limits?: RunBudget;
  };
  StepSucceeded: {
    stepId: string;
    visit: number;
    attempt: number;
    /** Text output; for a parallel or foreach step, `items` as JSON. */
    output: string;
    /** A parallel or foreach step's output: its children's outputs in order (null: skipped or failed). */
    items?: unknown[];
    usage?: Usage;
    durationMs: number;
  };
  StepFailed: {
    stepId: string;
    visit: number;
    attempt: number;
    error: StepError;
    durationMs: number;
    /** What the attempt spent although it failed (a sub-workflow run that failed after model calls). */
    usage?: Usage;
  };
  /**
   * The attempt's call could not begin: its agent is at its `concurrency` limit. No attempt is
   * used up; scheduling fires a `resume` timer at `dueAt` and the call is tried again then.
   */
  StepDeferred: {
    stepId: string;
    visit: number;
    attempt: number;
    /** 1 for the attempt's first deferral: names the resume timer. */
    deferral: number;
    reason: string;
    dueAt: string;
    delayMs: number;
  };
  /** The resume timer of a deferred attempt fired: execution tries the call again. */
  StepResumed: { stepId: string; visit: number; attempt: number; deferral: number };
  /**
   * An email agent's mail went out: the step waits for the reply (matched by `messageId`), holding
   * nothing; the wait parks the run (its own timeout stops) and the step's timeout bounds it.
   */
  AgentMailSent: {
    stepId: string;
    visit: number;
    attempt: number;
    agent: string;
    messageId: string;
    to: string;
    subject: string;
  };
  /** The reply to an agent mail came from the agent's mailbox; the step succeeds with its text. */
  AgentReplyReceived: {
    stepId: string;
    visit: number;
    attempt: number;
    from: string;
    /** The reply's own Message-ID, when it has one. */
    messageId?: string;
  };
  StepSkipped: { stepId: string; visit: number; reason: string; cause?: SkipCause };
  /** A goto was taken (a switch case, `on_error: goto`, a checkpoint action). */
  BranchTaken: {
    stepId: string;
    visit: number;
    target: string;
    via?: 'switch' | 'on_error' | 'checkpoint';
  };
  /** A goto went back: these steps wait for their next visit (a loop). */
  StepsReset: { stepId: string; visit: number; target: string; stepIds: string[] };
  /** A checkpoint waits for a person; scheduling arms a checkpoint-timeout timer from `timeoutMs`. */
  CheckpointOpened: {
    stepId: string;
    visit: number;
    message: string;
    timeoutMs?: number;
    /**
     * Who may decide: mail addresses, `owner`, `team:<id>` — the step's `approvers`, else the
     * sender of the mail that started the run, else `owner`. Absent in events of older versions.
     */
    approvers?: string[];
    /** What each decision does (`continue`, `abort`, `goto <step>`). Absent in older events. */
    actions?: Record<CheckpointDecision, string>;
  };
  CheckpointResolved: {
    stepId: string;
    visit: number;
    action: CheckpointDecision;
    /** The reviewer's text (an edit), read as `{{ <checkpoint>.input }}`. */
    input?: string;
    comment?: string;
    /** A user id (API, CLI), a mail address (mail, link), or `timeout`. */
    by: string;
    /** How the decision came; absent in events of older versions (read as `api`). */
    via?: CheckpointVia;
  };
  /** A sub-workflow attempt ended without its child run (timeout, cancel, a loop): cancel the child. */
  ChildRunAbandoned: {
    stepId: string;
    visit: number;
    attempt: number;
    childRunId: string;
    reason: string;
  };
  /**
   * The run-timeout timer fired early because time parked at checkpoints does not count:
   * scheduling re-arms the run-timeout timer at `dueAt`.
   */
  RunTimeoutDeferred: { dueAt: string; remainingMs: number };
  /** A failed attempt will be tried again at `dueAt`; scheduling fires a timer then. */
  StepRetryScheduled: { stepId: string; visit: number; attempt: number; dueAt: string; delayMs: number };
  /** Terminal. Read models show the run as failed with code RUN_TIMEOUT and this message. */
  RunTimedOut: { timeoutMs: number; durationMs: number; stepId?: string; message?: string };
  RunSucceeded: { output: string; durationMs: number };
  RunFailed: { error: StepError & { stepId?: string }; durationMs: number };
  RunCancelled: { reason: string; by: string; durationMs: number };
}

export type RunEventType = keyof RunEventMap;

export type RunEvent = {
  [K in RunEventType]: {
    type: K;
    /** Schema version of this event's data. */
    v: number;
    runId: string;
    /** ISO-8601 time at which the deciding service recorded it. */
    at: string;
    data: RunEventMap[K];
  };
}[RunEventType];

export type RunEventOf<K extends RunEventType> = Extract<RunEvent, { type: K }>;

/** One message of the run's stream. */
export interface RunCommit {
  runId: string;
  /** The subject sequence this commit was appended after (0 for the first). */
  prev: number;
  events: RunEvent[];
}

/** A commit as read back from the log, with its position. */
export interface StoredRunCommit extends RunCommit {
  /** Stream sequence of this commit. */
  seq: number;
  /**
   * The W3C trace id of the trace the commit was appended in (its `traceparent` header), when
   * it was read with its headers and had one: the run's trace, for a commit holding `RunStarted`.
   */
  traceId?: string;
}

export const TERMINAL_RUN_EVENTS: ReadonlySet<RunEventType> = new Set([
  'RunSucceeded',
  'RunFailed',
  'RunCancelled',
  'RunTimedOut',
]);

export function makeRunEvent<K extends RunEventType>(
  type: K,
  runId: string,
  at: string,
  data: RunEventMap[K],
): RunEventOf<K> {
  return { type, v: RUN_EVENT_SCHEMA_VERSION, runId, at, data } as RunEventOf<K>;
}
