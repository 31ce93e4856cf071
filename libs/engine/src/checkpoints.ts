import type { CheckpointDecision, CheckpointVia } from '@chainmail/contracts';
import type { Decision } from './decision';
import { gotoFrom } from './goto';

export interface CheckpointResolution {
  stepId: string;
  visit?: number;
  action: CheckpointDecision;
  input?: string;
  comment?: string;
  by: string;
  via?: CheckpointVia;
}

const ACTIONS: ReadonlySet<string> = new Set(['approve', 'reject', 'edit']);

/**
 * A decision at an open checkpoint, carried out as the step's `actions` say: continue (the step
 * succeeds, its output is the reviewer's input), abort (the run fails with CHECKPOINT_REJECTED)
 * or goto (the step succeeds and the run goes on at the target, usually back to redo a draft).
 * A decision for a checkpoint that is not open (decided already, a stale visit) decides nothing.
 */
export function resolveCheckpoint(d: Decision, resolution: CheckpointResolution): void {
  const { stepId, action } = resolution;
  const runtime = d.step(stepId);
  const step = d.graph.find(stepId);
  if (runtime?.checkpoint === undefined || runtime.pending === true || step?.kind !== 'checkpoint') return;
  if (resolution.visit !== undefined && resolution.visit !== runtime.visit) return;
  if (!ACTIONS.has(action)) return;
  const { visit, attempt } = runtime;
  const decided = { stepId, visit, action, by: resolution.by } as const;
  d.emit('CheckpointResolved', {
    ...decided,
    ...(resolution.input !== undefined ? { input: resolution.input } : {}),
    ...(resolution.comment !== undefined ? { comment: resolution.comment } : {}),
    ...(resolution.via !== undefined ? { via: resolution.via } : {}),
  });
  const outcome = step.actions[action];
  const output = resolution.input ?? '';
  const durationMs = d.elapsed(runtime);
  if (outcome.kind === 'abort') {
    const why =
      resolution.comment !== undefined && resolution.comment !== '' ? `: ${resolution.comment}` : '';
    const error = {
      code: 'CHECKPOINT_REJECTED',
      message:
        resolution.by === 'timeout'
          ? `checkpoint "${stepId}": ${resolution.comment ?? 'no decision in time'}`
          : `checkpoint "${stepId}": ${action} by ${resolution.by}${why}`,
      retryable: false,
    };
    d.emit('StepFailed', { stepId, visit, attempt, error, durationMs });
    d.failRun({ ...error, stepId });
    return;
  }
  d.emit('StepSucceeded', { stepId, visit, attempt, output, durationMs });
  if (outcome.kind === 'goto') gotoFrom(d, stepId, visit, outcome.step, 'checkpoint');
}
