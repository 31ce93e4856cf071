import type { Decision } from './decision';
import { fnv1a } from './retry-delay';

/** The first wait for a free slot of a busy agent; it doubles per deferral of the attempt up to the cap. */
export const DEFER_BASE_MS = 250;
export const DEFER_MAX_MS = 5_000;

export interface Deferral {
  stepId: string;
  visit: number;
  attempt: number;
  reason: string;
}

/**
 * How long a deferred attempt waits before it tries for a slot again: 250 ms doubling to 5 s,
 * jittered over [half, all] from a hash of the attempt and deferral (deterministic: a replay
 * decides the same), so waiting runs do not all come back at once.
 */
export function deferDelayMs(runId: string, key: Omit<Deferral, 'reason'>, deferral: number): number {
  const capped = Math.min(DEFER_MAX_MS, DEFER_BASE_MS * 2 ** Math.min(16, Math.max(0, deferral - 1)));
  const unit = fnv1a(`${runId}/${key.stepId}/${key.visit}/${key.attempt}/defer/${deferral}`) / 2 ** 32;
  return Math.round(capped * (0.5 + 0.5 * unit));
}

/**
 * The shell found no free slot for the running attempt's agent: the attempt waits for a resume
 * timer, holding nothing and using up no attempt. Anything else (a stale attempt, one already
 * waiting, a step that is not an agent call) decides nothing.
 */
export function deferStep(d: Decision, deferral: Deferral): void {
  const { stepId, visit, attempt } = deferral;
  const step = d.step(stepId);
  if (step?.status !== 'running' || step.pending === true || step.deferred !== undefined) return;
  if (step.visit !== visit || step.attempt !== attempt || step.agent === undefined) return;
  if (step.childRunId !== undefined || step.mail !== undefined) return;
  const count = (step.deferrals ?? 0) + 1;
  const delayMs = deferDelayMs(d.runId, deferral, count);
  d.emit('StepDeferred', {
    stepId,
    visit,
    attempt,
    deferral: count,
    reason: deferral.reason,
    dueAt: new Date(d.ctx.now + delayMs).toISOString(),
    delayMs,
  });
}

/** The resume timer of a deferred attempt: the shell tries the call again. Stale timers decide nothing. */
export function resumeStep(
  d: Decision,
  timer: { stepId: string; visit: number; attempt: number; deferral: number },
): void {
  const step = d.step(timer.stepId);
  if (step?.status !== 'running' || step.pending === true || step.deferred?.deferral !== timer.deferral)
    return;
  if (step.visit !== timer.visit || step.attempt !== timer.attempt) return;
  d.emit('StepResumed', {
    stepId: timer.stepId,
    visit: timer.visit,
    attempt: timer.attempt,
    deferral: timer.deferral,
  });
}
