import type { StepError, TriggerInfo, Usage } from '@chainmail/contracts';
import type { RunError, RunViewStatus, StepViewStatus } from './run-projection';

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

export interface RunDetail extends RunSummary {
  inputs: Record<string, unknown>;
  debug: boolean;
  output: string | null;
  steps: StepDetail[];
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

export const RUN_VIEW_STATUSES: readonly RunViewStatus[] = ['running', 'succeeded', 'failed', 'cancelled'];
