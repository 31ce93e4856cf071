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

export interface StepError {
  code: string;
  message: string;
  retryable: boolean;
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
  };
  StepStarted: {
    stepId: string;
    visit: number;
    attempt: number;
    agent?: string;
    input?: string;
    /** The step's time limit for this attempt; scheduling arms a durable timer for it. */
    timeoutMs?: number;
  };
  StepSucceeded: {
    stepId: string;
    visit: number;
    attempt: number;
    output: string;
    usage?: Usage;
    durationMs: number;
  };
  StepFailed: { stepId: string; visit: number; attempt: number; error: StepError; durationMs: number };
  StepSkipped: { stepId: string; visit: number; reason: string };
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
