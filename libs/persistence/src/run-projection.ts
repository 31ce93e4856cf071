import type { RunEvent, StepError, StoredRunCommit, TriggerInfo, Usage } from '@chainmail/contracts';

/**
 * The pure half of the run read model: folds commits into row patches, no IO.
 * A patch carries only what its events say; `RunProjectionWriter` merges it into the rows so
 * that replays, redeliveries and out-of-order batches never move a row backwards.
 */

export type RunViewStatus = 'running' | 'succeeded' | 'failed' | 'cancelled';
export type StepViewStatus = 'running' | 'succeeded' | 'failed' | 'skipped';
export type RunError = StepError & { stepId?: string };

export interface RunPatch {
  id: string;
  /** Stream sequence of the newest commit folded in. */
  lastSeq: number;
  /** Time of the first event folded in: a stand-in start time until `RunStarted` is seen. */
  firstAt: string;
  /** Facts of `RunStarted`; all present or all absent. */
  started?: {
    workflow: string;
    version: number;
    owner: string;
    actor: string;
    trigger: TriggerInfo;
    inputs: Record<string, unknown>;
    debug: boolean;
    startedAt: string;
  };
  status?: RunViewStatus;
  output?: string;
  error?: RunError;
  endedAt?: string;
  durationMs?: number;
}

export interface StepPatch {
  runId: string;
  stepId: string;
  lastSeq: number;
  /** Ordering key of the step's first appearance in this batch (stream sequence, then index). */
  position: number;
  visit: number;
  /** Attempt number of the visit; unknown when only a skip was seen. */
  attempts?: number;
  status: StepViewStatus;
  /*
   * Fields below belong to the patch's (visit, attempt). Absent means "not known from these
   * events" when the row is on the same attempt, and "cleared" when the row is on an older one.
   */
  agent?: string;
  input?: string;
  output?: string;
  error?: StepError;
  usage?: Usage;
  skipReason?: string;
  startedAt?: string;
  endedAt?: string;
  durationMs?: number;
}

export interface ProjectionBatch {
  /** Sorted by id, so concurrent writers lock rows in the same order. */
  runs: RunPatch[];
  /** Sorted by run id, then step id. */
  steps: StepPatch[];
  /** Highest stream sequence in the batch (0 when empty). */
  lastSeq: number;
}

/** Events per commit above this share one position slot; commits are far smaller in practice. */
const POSITION_SLOTS = 4096;

export const stepPosition = (seq: number, eventIndex: number): number =>
  seq * POSITION_SLOTS + Math.min(eventIndex, POSITION_SLOTS - 1);

/** Folds commits (any runs, any order, duplicates allowed) into one patch per run and per step. */
export function projectCommits(commits: readonly StoredRunCommit[]): ProjectionBatch {
  const ordered = [...commits].sort((a, b) => a.seq - b.seq);
  const runs = new Map<string, RunPatch>();
  const steps = new Map<string, StepPatch>();
  let lastSeq = 0;
  let previousSeq = -1;
  for (const commit of ordered) {
    if (commit.seq === previousSeq) continue; // the same message delivered twice in one batch
    previousSeq = commit.seq;
    lastSeq = Math.max(lastSeq, commit.seq);
    commit.events.forEach((event, index) => {
      // The subject names the run; an event claiming another run id is ignored, not trusted.
      if (event.runId !== commit.runId) return;
      const run = runPatch(runs, commit, event.at);
      if (!applyRunEvent(run, event)) applyStepEvent(steps, commit, event, index);
    });
  }
  return {
    runs: [...runs.values()].sort((a, b) => compare(a.id, b.id)),
    steps: [...steps.values()].sort((a, b) => compare(a.runId, b.runId) || compare(a.stepId, b.stepId)),
    lastSeq,
  };
}

function runPatch(runs: Map<string, RunPatch>, commit: StoredRunCommit, at: string): RunPatch {
  let patch = runs.get(commit.runId);
  if (!patch) {
    patch = { id: commit.runId, lastSeq: commit.seq, firstAt: at };
    runs.set(commit.runId, patch);
  }
  patch.lastSeq = Math.max(patch.lastSeq, commit.seq);
  return patch;
}

/** Applies a run-level event; returns false for step events. */
function applyRunEvent(run: RunPatch, event: RunEvent): boolean {
  switch (event.type) {
    case 'RunStarted': {
      const d = event.data;
      run.started = {
        workflow: d.workflow,
        version: d.version,
        owner: d.owner,
        actor: d.actor,
        trigger: d.trigger,
        inputs: d.inputs,
        debug: d.debug,
        startedAt: event.at,
      };
      run.status ??= 'running';
      return true;
    }
    case 'RunSucceeded':
      finish(run, 'succeeded', event.at, event.data.durationMs);
      run.output = event.data.output;
      return true;
    case 'RunFailed':
      finish(run, 'failed', event.at, event.data.durationMs);
      run.error = event.data.error;
      return true;
    case 'RunTimedOut':
      // Read models have no status of their own for it: a failure with code RUN_TIMEOUT, like the engine's state.
      finish(run, 'failed', event.at, event.data.durationMs);
      run.error = {
        code: 'RUN_TIMEOUT',
        message:
          event.data.message ?? `the run did not finish within ${event.data.timeoutMs} ms (its timeout)`,
        retryable: true,
        stepId: event.data.stepId,
      };
      return true;
    case 'RunCancelled':
      finish(run, 'cancelled', event.at, event.data.durationMs);
      // Same shape as the engine's state, so the view and `evolve` agree.
      run.error = { code: 'RUN_CANCELLED', message: event.data.reason, retryable: false };
      return true;
    default:
      return false;
  }
}

function finish(run: RunPatch, status: RunViewStatus, at: string, durationMs: number): void {
  run.status = status;
  run.endedAt = at;
  run.durationMs = durationMs;
}

function applyStepEvent(
  steps: Map<string, StepPatch>,
  commit: StoredRunCommit,
  event: RunEvent,
  index: number,
): void {
  switch (event.type) {
    case 'StepStarted': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'running');
      if (!step) return;
      step.agent = d.agent;
      step.input = d.input;
      step.startedAt = event.at;
      return;
    }
    case 'StepSucceeded': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'succeeded');
      if (!step) return;
      step.output = d.output;
      step.usage = d.usage;
      step.error = undefined;
      step.endedAt = event.at;
      step.durationMs = d.durationMs;
      return;
    }
    case 'StepFailed': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, d.attempt, 'failed');
      if (!step) return;
      step.error = d.error;
      step.endedAt = event.at;
      step.durationMs = d.durationMs;
      return;
    }
    case 'StepSkipped': {
      const d = event.data;
      const step = stepPatch(steps, commit, index, d.stepId, d.visit, undefined, 'skipped');
      if (!step) return;
      step.skipReason = d.reason;
      step.endedAt = event.at;
      return;
    }
    default:
      return; // events this view does not show yet
  }
}

/**
 * The step's patch, moved onto (visit, attempt). A later attempt starts from a clean slate:
 * the earlier attempt's output or error no longer describes the step.
 */
function stepPatch(
  steps: Map<string, StepPatch>,
  commit: StoredRunCommit,
  index: number,
  stepId: string,
  visit: number,
  attempt: number | undefined,
  status: StepViewStatus,
): StepPatch | undefined {
  const key = `${commit.runId}\u0000${stepId}`;
  const existing = steps.get(key);
  if (!existing) {
    const created: StepPatch = {
      runId: commit.runId,
      stepId,
      lastSeq: commit.seq,
      position: stepPosition(commit.seq, index),
      visit,
      attempts: attempt,
      status,
    };
    steps.set(key, created);
    return created;
  }
  existing.lastSeq = Math.max(existing.lastSeq, commit.seq);
  // An event of an earlier attempt than one already folded says nothing about the step now.
  if (visit < existing.visit) return undefined;
  if (visit === existing.visit && attempt !== undefined && attempt < (existing.attempts ?? 0))
    return undefined;
  if (isLaterAttempt(visit, attempt, existing.visit, existing.attempts)) {
    const fresh: StepPatch = {
      runId: existing.runId,
      stepId,
      lastSeq: existing.lastSeq,
      position: existing.position,
      visit,
      attempts: attempt ?? (visit === existing.visit ? existing.attempts : undefined),
      status,
    };
    steps.set(key, fresh);
    return fresh;
  }
  existing.status = status;
  return existing;
}

/** Same rule as the writer's SQL: a greater visit, or the same visit with a greater attempt. */
export function isLaterAttempt(
  visit: number,
  attempt: number | undefined,
  currentVisit: number,
  currentAttempt: number | undefined,
): boolean {
  if (visit !== currentVisit) return visit > currentVisit;
  return attempt !== undefined && attempt > (currentAttempt ?? 0);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
