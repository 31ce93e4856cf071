import type { RunState } from './run-state';

/** One attempt of a step: what a call (or a child run) was started for. */
export interface AttemptRef {
  stepId: string;
  visit: number;
  attempt: number;
}

/**
 * Whether the attempt still waits for the call the shell is about to make: the step runs this
 * very visit and attempt, is not sent back by a loop, not deferred for a slot, and no agent mail
 * went out for it. Anything else means the log has moved on and a call would be wasted (its
 * result would decide nothing).
 */
export function awaitsCall(state: RunState, at: AttemptRef): boolean {
  if (state.status !== 'running') return false;
  const step = state.steps[at.stepId];
  return (
    step?.status === 'running' &&
    step.pending !== true &&
    step.visit === at.visit &&
    step.attempt === at.attempt &&
    step.deferred === undefined &&
    step.mail === undefined
  );
}
