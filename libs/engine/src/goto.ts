import type { RunEventMap } from '@chainmail/contracts';
import type { Decision } from './decision';

type Via = NonNullable<RunEventMap['BranchTaken']['via']>;

/**
 * Continues the run at `target` (a switch case, `on_error: goto`, a checkpoint action).
 *
 * Forward (the target comes later and has not begun): the steps downstream of the source that
 * are neither the target nor downstream of it are skipped as "branch not taken"; the target runs
 * even if one of its needs was skipped. Backward (a loop): the target and everything downstream
 * of it wait for a new visit, work still in progress there is abandoned; `max_visits` bounds it.
 */
export function gotoFrom(d: Decision, source: string, visit: number, target: string, via: Via): void {
  d.emit('BranchTaken', { stepId: source, visit, target, via });
  // A later target that already finished runs again, as a loop would; one still running goes on.
  const backward = d.graph.order(target) <= d.graph.order(source) || d.done(target);
  if (backward) loopBack(d, source, visit, target);
  else skipNotTaken(d, source, target);
}

function skipNotTaken(d: Decision, source: string, target: string): void {
  const taken = new Set([target, ...d.graph.downstream(target)]);
  for (const id of d.graph.downstream(source)) {
    if (taken.has(id) || d.begun(id)) continue;
    d.skip(id, d.nextVisit(id), `branch not taken: "${source}" went to "${target}"`, 'branch');
  }
}

function loopBack(d: Decision, source: string, visit: number, target: string): void {
  const ids = [target, ...d.graph.downstream(target)];
  for (const id of ids) d.abandon(id, `"${source}" went back to "${target}", which starts this step again`);
  const group = new Set(ids.flatMap((id) => [id, ...d.graph.nested(id)]));
  const stepIds = [...group].filter((id) => d.step(id) !== undefined);
  for (const [id, step] of Object.entries(d.state.steps)) {
    if (step.kind === 'item' && step.parent !== undefined && group.has(step.parent)) stepIds.push(id);
  }
  if (stepIds.length > 0) d.emit('StepsReset', { stepId: source, visit, target, stepIds });
}
