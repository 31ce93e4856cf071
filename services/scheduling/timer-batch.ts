import type { TimerPurpose } from '@chainmail/contracts';
import { ofStepVisit, type TimerPlan } from './timer-plan';

/** The state one commit gives one timer: armed (with its due time) or disarmed (a tombstone). */
export interface TimerWrite {
  id: string;
  runId: string;
  purpose: TimerPurpose;
  state: 'armed' | 'disarmed';
  /** Set when armed. */
  dueAtMs?: number;
  seq: number;
  /** W3C trace context of the commit that armed it, sent with `FireTimer`. */
  traceparent?: string;
}

export interface StepDisarm {
  runId: string;
  stepId: string;
  visit: number;
  seq: number;
}

export interface RunEnd {
  runId: string;
  seq: number;
}

/** A batch of plans reduced to one write per timer: what the repository stores in one transaction. */
export interface TimerBatch {
  ends: RunEnd[];
  stepDisarms: StepDisarm[];
  writes: TimerWrite[];
  /** Earliest due time armed by this batch, to wake the firing loop early. */
  earliestDueMs?: number;
}

/** A plan with the trace context of the message that carried its commit. */
export type TracedTimerPlan = TimerPlan & { traceparent?: string };

/**
 * Nets a batch's plans in memory, by stream sequence, so that a batch holding StepStarted then
 * StepSucceeded stores a tombstone and never a live timer, and no statement touches a row twice
 * (which `ON CONFLICT DO UPDATE` refuses). Order of `plans` does not matter.
 */
export function mergeTimerPlans(plans: readonly TracedTimerPlan[]): TimerBatch {
  const ends = new Map<string, number>();
  for (const plan of plans) {
    if (plan.disarmRun) ends.set(plan.runId, Math.max(plan.seq, ends.get(plan.runId) ?? 0));
  }
  const endedAfter = (runId: string, seq: number): boolean => (ends.get(runId) ?? 0) >= seq;

  const stepDisarms = new Map<string, StepDisarm>();
  for (const plan of plans) {
    if (endedAfter(plan.runId, plan.seq)) continue;
    for (const step of plan.disarmSteps) {
      const key = JSON.stringify([plan.runId, step.stepId, step.visit]);
      const known = stepDisarms.get(key);
      if (!known || known.seq < plan.seq) stepDisarms.set(key, { runId: plan.runId, ...step, seq: plan.seq });
    }
  }
  /** A later skip of the step turns an arm into a tombstone at the skip's sequence. */
  const skippedAfter = (runId: string, purpose: TimerPurpose, seq: number): StepDisarm | undefined => {
    for (const skip of stepDisarms.values()) {
      if (skip.runId === runId && skip.seq > seq && ofStepVisit(purpose, skip)) return skip;
    }
    return undefined;
  };

  const writes = new Map<string, TimerWrite>();
  const keep = (write: TimerWrite): void => {
    const known = writes.get(write.id);
    if (!known || known.seq < write.seq) writes.set(write.id, write);
  };
  for (const plan of plans) {
    const { runId, seq } = plan;
    if (endedAfter(runId, seq)) continue;
    for (const { id, purpose } of plan.disarm) keep({ id, runId, purpose, state: 'disarmed', seq });
    for (const { id, purpose, dueAtMs } of plan.arm) {
      const skip = skippedAfter(runId, purpose, seq);
      if (skip) keep({ id, runId, purpose, state: 'disarmed', seq: skip.seq });
      else keep({ id, runId, purpose, state: 'armed', dueAtMs, seq, traceparent: plan.traceparent });
    }
  }

  let earliestDueMs: number | undefined;
  for (const write of writes.values()) {
    if (write.state === 'armed' && write.dueAtMs !== undefined) {
      earliestDueMs = Math.min(write.dueAtMs, earliestDueMs ?? Infinity);
    }
  }
  return {
    ends: [...ends].map(([runId, seq]) => ({ runId, seq })),
    stepDisarms: [...stepDisarms.values()],
    writes: [...writes.values()],
    earliestDueMs,
  };
}
