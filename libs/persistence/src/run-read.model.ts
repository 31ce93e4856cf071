import type { RunDetail, RunSummary, RunViewStatus, StepDetail } from '@chainmail/contracts';
import type { StepDecision } from './run-projection';

/**
 * What the REST edge reads about runs: the views of `@chainmail/contracts` (`RunSummary`,
 * `RunDetail`, `StepDetail`…), and what only readers inside Chainmail see.
 */

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
