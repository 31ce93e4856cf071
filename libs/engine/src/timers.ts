import type { TimerPurpose } from '@chainmail/contracts';
import { resolveCheckpoint } from './checkpoints';
import type { Decision } from './decision';
import { resumeStep } from './deferral';
import { formatDuration, runTimeoutMessage } from './durations';
import { isGroupKind } from './run-state';
import { beginAttempt, failAttempt, failGroup } from './step-end';

/** Below this, a run-timeout that fired a little early (clocks differ) counts as due. */
const TIMEOUT_TOLERANCE_MS = 1000;
/** A run parked at a checkpoint without its own timeout looks at its run timeout again this often. */
const PARKED_RECHECK_MS = 3_600_000;

/** A durable timer is due. One that no longer matches what the run waits for decides nothing. */
export function fireTimer(d: Decision, timer: TimerPurpose): void {
  switch (timer.kind) {
    case 'retry': {
      const step = d.step(timer.stepId);
      if (step?.retry?.attempt !== timer.attempt || step.visit !== timer.visit || step.pending === true)
        return;
      beginAttempt(d, timer.stepId, timer.visit, timer.attempt);
      return;
    }
    case 'step-timeout': {
      const step = d.step(timer.stepId);
      if (step?.status !== 'running' || step.pending === true || step.kind === 'checkpoint') return;
      if (step.visit !== timer.visit || step.attempt !== timer.attempt) return;
      const limit = step.timeoutMs === undefined ? 'its timeout' : formatDuration(step.timeoutMs);
      const error = {
        code: 'STEP_TIMEOUT',
        message: `step ${timer.stepId} did not finish within ${limit}`,
        retryable: true,
      };
      if (isGroupKind(step.kind)) {
        failGroup(d, timer.stepId, error);
        return;
      }
      d.abandonChildRun(timer.stepId, error.message);
      failAttempt(d, timer.stepId, error, d.elapsed(step));
      return;
    }
    case 'checkpoint-timeout': {
      const step = d.step(timer.stepId);
      if (step?.checkpoint === undefined || step.visit !== timer.visit) return;
      const limit =
        step.checkpoint.timeoutMs === undefined ? 'its timeout' : formatDuration(step.checkpoint.timeoutMs);
      resolveCheckpoint(d, {
        stepId: timer.stepId,
        visit: timer.visit,
        action: 'reject',
        comment: `no decision within ${limit}`,
        by: 'timeout',
      });
      return;
    }
    case 'run-timeout':
      runTimeout(d);
      return;
    case 'resume':
      resumeStep(d, timer);
      return;
  }
}

/**
 * The run's own limit counts working time only: time parked at checkpoints is left out (the wait
 * has its own timeout). A timer that fires before that time is up defers itself.
 */
function runTimeout(d: Decision): void {
  const { state, ctx } = d;
  if (!d.running || state.timeoutMs <= 0 || state.startedAt === undefined) return;
  const parkedNow =
    state.parkedSince === undefined ? 0 : Math.max(0, ctx.now - Date.parse(state.parkedSince));
  const active = ctx.now - Date.parse(state.startedAt) - state.parkedMs - parkedNow;
  const remainingMs = state.timeoutMs - active;
  if (remainingMs > TIMEOUT_TOLERANCE_MS) {
    d.emit('RunTimeoutDeferred', {
      dueAt: new Date(ctx.now + remainingMs + parkedFor(d)).toISOString(),
      remainingMs,
    });
    return;
  }
  const stepId = d.graph.topLevel.find(
    (step) => d.step(step.id)?.status === 'running' && !d.step(step.id)?.pending,
  )?.id;
  const message = runTimeoutMessage(state.timeoutMs);
  d.abandonChildRuns(message);
  d.emit('RunTimedOut', {
    timeoutMs: state.timeoutMs,
    durationMs: d.runDuration(),
    ...(stepId !== undefined ? { stepId } : {}),
    message,
  });
}

/** How much longer the run stays parked at the latest: until its open checkpoints and agent mails time out. */
function parkedFor(d: Decision): number {
  if (d.state.openCheckpoints === 0) return 0;
  // A debugging pause has no limit of its own.
  if (d.state.paused !== undefined) return PARKED_RECHECK_MS;
  let until = 0;
  for (const step of Object.values(d.state.steps)) {
    const wait =
      step.checkpoint !== undefined
        ? { since: step.checkpoint.openedAt, timeoutMs: step.checkpoint.timeoutMs }
        : step.mail !== undefined
          ? { since: step.startedAt ?? step.mail.sentAt, timeoutMs: step.timeoutMs }
          : undefined;
    if (wait === undefined) continue;
    if (wait.timeoutMs === undefined) return PARKED_RECHECK_MS;
    until = Math.max(until, Date.parse(wait.since) + wait.timeoutMs - d.ctx.now);
  }
  return Math.max(0, until);
}
