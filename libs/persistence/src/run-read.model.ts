import type { ForkOrigin, StepError, TriggerInfo, Usage } from '@chainmail/contracts';
import type {
  AttemptError,
  PausedAt,
  RunError,
  RunViewStatus,
  StepDecision,
  StepViewStatus,
} from './run-projection';

/** What the REST edge reads about runs. Times are ISO-8601 strings; absent values are null. */

export interface RunSummary {
  id: string;
  workflow: string;
  version: number;
  status: RunViewStatus;
  owner: string;
  actor: string;
  trigger: TriggerInfo;
  startedAt: string;
  endedAt: string | null;
  durationMs: number | null;
  error: RunError | null;
  /** Steps reached so far (started or skipped) and how many of them succeeded. */
  stepsTotal: number;
  stepsSucceeded: number;
  /** Stream sequence of the newest commit reflected here. */
  lastSeq: number;
}

export interface StepDetail {
  stepId: string;
  status: StepViewStatus;
  agent: string | null;
  visit: number;
  attempts: number;
  input: string | null;
  output: string | null;
  error: StepError | null;
  usage: Usage | null;
  skipReason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** 0-based order in which the step first appeared in the run. */
  position: number;
}

/**
 * Why a failed run failed: the step (null when no step did, e.g. its output template), the input
 * that step was called with, the error, and each failed attempt of that step's last visit.
 */
export interface RunFailure {
  step: string | null;
  input: string | null;
  error: RunError;
  attempts: AttemptError[];
}

/** A checkpoint that waits for a person: what it asks, of whom, until when. */
export interface OpenCheckpoint {
  step: string;
  visit: number;
  message: string;
  /** What each decision does: `{approve: 'continue', reject: 'abort', edit: 'goto draft'}` (null: older runs). */
  actions: Record<string, string> | null;
  /** When its timeout decides, if it has one. */
  deadline: string | null;
  /** Who may decide: mail addresses, `owner`, `team:<id>` (null: older runs). */
  approvers: string[] | null;
  openedAt: string | null;
}

export interface RunDetail extends RunSummary {
  inputs: Record<string, unknown>;
  debug: boolean;
  output: string | null;
  /** A paused run: the step it waits before, with that step's resolved input. */
  pausedAt: PausedAt | null;
  /** A forked run: the run, commit and step it came from. */
  forkedFrom: ForkOrigin | null;
  /** The W3C trace id of the run's trace; null for a run projected without one. */
  traceId: string | null;
  /** A failed run: where and why. */
  failure: RunFailure | null;
  steps: StepDetail[];
  /** The checkpoint the run waits at (the first, if several are open); null when it waits at none. */
  checkpoint: OpenCheckpoint | null;
}

export interface RunListQuery {
  /** Only runs of these owners (the caller's visible owners); absent: every run (internal callers). */
  owners?: string[];
  workflow?: string;
  status?: RunViewStatus;
  /** Runs started at or after this time. */
  since?: Date;
  /** Default 50, at most 500. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  before?: string;
}

export interface RunListPage {
  runs: RunSummary[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export type RunStatusCounts = Record<RunViewStatus, number>;

export const RUN_VIEW_STATUSES: readonly RunViewStatus[] = [
  'running',
  'paused',
  'waiting',
  'succeeded',
  'failed',
  'cancelled',
];

/** A step as templates and notifications read it: the REST fields and what the engine's scope shows. */
export interface StepRecord extends StepDetail {
  kind: string | null;
  items: unknown[] | null;
  decision: StepDecision | null;
}

/** A run with everything its views keep, for readers inside Chainmail (never sent as is). */
export interface RunRecord extends Omit<RunDetail, 'steps'> {
  parentRunId: string | null;
  vars: Record<string, unknown> | null;
  steps: StepRecord[];
}

/** Whether a step waits for a checkpoint decision now, and at which visit. */
export interface CheckpointState {
  runId: string;
  owner: string;
  workflow: string;
  stepId: string;
  visit: number;
  open: boolean;
  message: string | null;
  actions: Record<string, string> | null;
  approvers: string[] | null;
  deadline: string | null;
  /** The decision of the visit, once taken. */
  decision: StepDecision | null;
}

/** An email agent's mail of one step attempt, and whether that attempt still waits for its reply. */
export interface AgentMailRecord {
  workflow: string;
  /** Null when the attempt has not recorded a mail (yet). */
  messageId: string | null;
  agent: string | null;
  to: string | null;
  replyMessageId: string | null;
  /** The run runs, the step is on this visit and attempt, and no reply has been taken. */
  waiting: boolean;
}
