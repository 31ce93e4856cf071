import type { ErrorPolicy, OutputFormat, RetryPolicy } from './definition';
import type { ForkOrigin, StepError, TriggerInfo, Usage } from './run-events';

/**
 * The answers of `GET /v1/runs`, `GET /v1/runs/:id` and `GET /v1/schedules`: one definition for
 * the read models that fill them, the edge that sends them and the console that shows them.
 * Times are ISO-8601 strings; absent values are null.
 */

/** `waiting`: the run runs, and one of its checkpoints waits for a person. */
export type RunViewStatus = 'running' | 'waiting' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
/** `waiting`: a checkpoint step waiting for a decision. */
export type StepViewStatus = 'running' | 'waiting' | 'succeeded' | 'failed' | 'skipped';
export type RunError = StepError & { stepId?: string };

/** Where a paused run waits (step-by-step debugging): before this visit of a step, with its resolved input. */
export interface PausedAt {
  step: string;
  visit: number;
  input?: string;
  at: string;
}

/** One failed attempt of a step's current visit. */
export interface AttemptError {
  attempt: number;
  error: StepError;
  at: string;
}

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

/** What the failing step's error policy was, and what it did. */
export interface FailurePolicy {
  /** The step's `retry` (null: none). */
  retry: RetryPolicy | null;
  /** The step's `on_error`: abort (the default), skip, continue, or goto. */
  onError: ErrorPolicy['kind'];
  /** In words: how often the step was tried and how the run ended because of it. */
  did: string;
}

/** A run's failure as `GET /v1/runs/:id` sends it: with the failing step's policy from the run's version. */
export type RunFailureView = RunFailure & { policy: FailurePolicy | null };

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

/** `GET /v1/runs/:id`: the run's detail, its failure with the failing step's policy. */
export type RunDetailWithPolicy = RunDetail & { failure: RunFailureView | null };

/** `pending`: fired, but the run read model has not seen the run start yet. */
export type ScheduledRunStatus = RunViewStatus | 'pending';

/** The newest fired tick of a schedule and its run. */
export interface ScheduledRun {
  runId: string;
  scheduledFor: string;
  firedAt: string;
  status: ScheduledRunStatus;
  endedAt: string | null;
}

/** One schedule trigger of a workflow's active version, as `GET /v1/schedules` shows it. */
export interface ScheduleSummary {
  /** `<workflow>:<n>`: what `POST /v1/schedules/:id/pause` and `/resume` take. */
  id: string;
  /** The workflow's name. */
  name: string;
  /** The workflow's owner: the schedule's runs are its. */
  owner: string;
  version: number;
  /** Which of the workflow's schedule triggers ("0", "1"…, in definition order). */
  schedule: string;
  cron: string;
  timezone: string;
  /** The cron in words ("Every day at 7:00"), or the expression when it has no simple reading. */
  description: string;
  catchUp: 'none' | 'last';
  /** Top-level step ids, in order. */
  steps: string[];
  /** Where the result goes (`email`, `webhook`, `both`, `none`). */
  output: OutputFormat;
  /** Paused: it does not fire until resumed (the next run it would have is still shown). */
  paused: boolean;
  /** When it was last paused or resumed, and by whom (user id); null when never. */
  pausedChange: { at: string; by: string } | null;
  /** The next tick (ISO), or null when it never fires or cannot be read. */
  nextRunAt: string | null;
  lastRun: ScheduledRun | null;
  /** Why this schedule does not fire, when it cannot (a definition stored before cron was validated). */
  problem?: string;
}
