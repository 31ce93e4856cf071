import type { StepError, Usage, ForeachStep, RetryPolicy } from '@chainmail/contracts';
import type { StepOutcome } from './commands';
import type { Decision } from './decision';
import { gotoFrom } from './goto';
import { retryDelayMs } from './retry-delay';
import { isGroupKind } from './run-state';
import { startItem, startStep, type StartResult } from './step-start';

/** Starts attempt `attempt` of a step or foreach item, and deals with a start that failed at once. */
export function beginAttempt(d: Decision, id: string, visit: number, attempt: number): void {
  const result = startAttemptOf(d, id, visit, attempt);
  if (result.kind === 'failed') failAttempt(d, id, result.error, 0);
  else if (result.kind === 'goto') gotoFrom(d, id, visit, result.target, 'switch');
}

/** Begins a foreach item that has not started in this visit. */
export function beginItem(d: Decision, foreach: ForeachStep, index: number): void {
  const id = `${foreach.id}[${index}]`;
  const result = startItem(d, foreach, index, 1);
  if (result.kind === 'failed') failAttempt(d, id, result.error, 0);
}

function startAttemptOf(d: Decision, id: string, visit: number, attempt: number): StartResult {
  const runtime = d.step(id);
  if (runtime?.kind === 'item' && runtime.parent !== undefined && runtime.index !== undefined) {
    const foreach = d.graph.find(runtime.parent);
    if (foreach?.kind === 'foreach') return startItem(d, foreach, runtime.index, attempt);
  }
  const step = d.graph.find(id);
  if (step === undefined) {
    return {
      kind: 'failed',
      error: {
        code: 'STEP_UNKNOWN',
        message: `step "${id}" is not in this version of the workflow`,
        retryable: false,
      },
    };
  }
  return startStep(d, step, visit, attempt);
}

/** An agent call or a child run came back for the running attempt. */
export function completeAttempt(d: Decision, id: string, outcome: StepOutcome): void {
  const step = d.step(id);
  if (step === undefined) return;
  if (outcome.ok) {
    d.emit('StepSucceeded', {
      stepId: id,
      visit: step.visit,
      attempt: step.attempt,
      output: outcome.output,
      usage: outcome.usage,
      durationMs: outcome.durationMs,
    });
    return;
  }
  failAttempt(d, id, outcome.error, outcome.durationMs, outcome.usage);
}

/**
 * Records a failed attempt, then retries it (now, or at a durable timer) while the error is
 * retryable and attempts remain; otherwise the step's error policy decides.
 */
export function failAttempt(
  d: Decision,
  id: string,
  error: StepError,
  durationMs: number,
  usage?: Usage,
): void {
  const step = d.step(id);
  if (step === undefined) return;
  const { visit, attempt } = step;
  d.emit('StepFailed', { stepId: id, visit, attempt, error, durationMs, ...(usage ? { usage } : {}) });
  const policy = isGroupKind(step.kind) ? undefined : retryPolicyOf(d, id);
  if (error.retryable && policy !== undefined && attempt < 1 + policy.max) {
    // The agent's `Retry-After` is a floor: retrying sooner would only be refused again.
    const delayMs = Math.max(
      retryDelayMs(policy, { runId: d.runId, stepId: id, visit, attempt }),
      retryAfterOf(error),
    );
    if (delayMs <= 0) {
      beginAttempt(d, id, visit, attempt + 1);
      return;
    }
    d.emit('StepRetryScheduled', {
      stepId: id,
      visit,
      attempt: attempt + 1,
      dueAt: new Date(d.ctx.now + delayMs).toISOString(),
      delayMs,
    });
    return;
  }
  settleFailure(d, id, error);
}

/** A group fails as a whole: its children still at work are abandoned first. */
export function failGroup(d: Decision, id: string, error: StepError): void {
  const step = d.step(id);
  if (step === undefined || step.status !== 'running') return;
  for (const child of d.children(id)) d.abandon(child, `"${id}" failed: ${error.message}`);
  d.emit('StepFailed', {
    stepId: id,
    visit: step.visit,
    attempt: step.attempt,
    error,
    durationMs: d.elapsed(step),
  });
  settleFailure(d, id, error);
}

/**
 * A failure with no retry left. A foreach item goes by its foreach's policy (skip and continue
 * tolerate the item, abort and goto fail the foreach); a parallel branch by its own (abort fails
 * the parallel step); a top-level step by its own: abort fails the run naming the step.
 */
function settleFailure(d: Decision, id: string, error: StepError): void {
  const runtime = d.step(id);
  if (runtime === undefined) return;
  const skip = (reason: string): void => d.skip(id, runtime.visit, reason, 'on_error');
  if (runtime.kind === 'item' && runtime.parent !== undefined) {
    const foreach = d.graph.find(runtime.parent);
    const policy = foreach?.onError.kind ?? 'abort';
    if (policy === 'skip') skip(`failed, and on_error of "${runtime.parent}" is skip: ${error.message}`);
    else if (policy !== 'continue') {
      failGroup(d, runtime.parent, {
        ...error,
        message: `item ${runtime.index ?? '?'} failed: ${error.message}`,
      });
    }
    return;
  }
  const step = d.graph.find(id);
  const policy = step?.onError ?? { kind: 'abort' as const };
  const group = d.graph.parentOf(id);
  switch (policy.kind) {
    case 'skip':
      skip(`failed, and on_error is skip: ${error.message}`);
      return;
    case 'continue':
      return;
    case 'goto':
      gotoFrom(d, id, runtime.visit, policy.step, 'on_error');
      return;
    default:
      if (group !== undefined)
        failGroup(d, group, { ...error, message: `branch "${id}" failed: ${error.message}` });
      else d.failRun({ ...error, stepId: id });
  }
}

/** The longest a `Retry-After` may hold a step back: a day (a longer one is read as a day). */
export const MAX_RETRY_AFTER_MS = 86_400_000;

function retryAfterOf(error: StepError): number {
  const ms = error.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0
    ? Math.min(Math.round(ms), MAX_RETRY_AFTER_MS)
    : 0;
}

function retryPolicyOf(d: Decision, id: string): RetryPolicy | undefined {
  const runtime = d.step(id);
  const owner = runtime?.kind === 'item' && runtime.parent !== undefined ? runtime.parent : id;
  const step = d.graph.find(owner);
  return step === undefined || step.kind === 'checkpoint' || step.kind === 'switch' ? undefined : step.retry;
}
