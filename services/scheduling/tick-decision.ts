import type { CronSchedule } from '@chainmail/workflow-dsl';

/** What one evaluation of a schedule does at `nowMs`. */
export interface TickDecision {
  /** The tick to fire now, if any: always the latest one due. */
  fireMs?: number;
  /** The newest due tick that does not fire (missed, skipped by catch-up), for the log. */
  missedMs?: number;
}

export interface TickWindow {
  /** Ticks after this were not evaluated yet (exclusive). */
  afterMs: number;
  /** Ticks up to this are due (inclusive). */
  nowMs: number;
}

/**
 * Which of the ticks due in a window fires. At most one does: the latest. It fires when it is
 * on time (no later than `graceMs`), or, with `catch_up: last`, however late (after downtime).
 * Every older tick in the window was missed: `catch_up: none` (the default) skips them all.
 */
export function decideTick(
  schedule: CronSchedule,
  catchUp: 'none' | 'last',
  window: TickWindow,
  graceMs: number,
): TickDecision {
  const latest = schedule.latestAtOrBefore(window.nowMs);
  if (latest === undefined || latest <= window.afterMs) return {};
  const earlier = schedule.latestAtOrBefore(latest - 1);
  const olderMissed = earlier !== undefined && earlier > window.afterMs;
  const onTime = window.nowMs - latest <= graceMs;
  if (onTime || catchUp === 'last')
    return olderMissed ? { fireMs: latest, missedMs: earlier } : { fireMs: latest };
  return { missedMs: latest };
}

/** Where evaluation resumes: after what was evaluated, and never before the version became active. */
export function windowStart(evaluatedUntilMs: number | undefined, activeSinceMs: number): number {
  return Math.max(evaluatedUntilMs ?? Number.NEGATIVE_INFINITY, activeSinceMs);
}
