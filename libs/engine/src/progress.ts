import type { Step } from '@chainmail/contracts';
import { pauseBefore } from './debugging';
import type { Decision } from './decision';
import { isActive } from './run-state';
import { beginAttempt, beginItem } from './step-end';

/**
 * Moves the run as far as it can go now: parallel and foreach steps start their children and
 * finish when those have; every top-level step whose needs have all finished begins its next
 * visit (or is skipped); when every step has finished, the run ends.
 */
export function advance(d: Decision): void {
  let progressed = true;
  while (progressed && d.running) {
    progressed = false;
    for (const [id, step] of Object.entries(d.state.steps)) {
      if (
        (step.kind === 'parallel' || step.kind === 'foreach') &&
        step.status === 'running' &&
        !step.pending
      ) {
        if (progressGroup(d, id)) progressed = true;
        if (!d.running) return;
      }
    }
    for (const step of d.graph.topLevel) {
      // A paused run starts no other top-level step until it is stepped or resumed.
      if (d.state.paused !== undefined) break;
      if (d.begun(step.id) || !step.needs.every((need) => d.done(need))) continue;
      beginVisit(d, step);
      progressed = true;
      if (!d.running) return;
    }
  }
  if (d.running && d.graph.topLevel.every((step) => d.done(step.id))) finishRun(d);
}

/** A top-level step whose needs have finished: skipped, failed for looping too often, or started. */
function beginVisit(d: Decision, step: Step): void {
  const visit = d.nextVisit(step.id);
  if (visit > step.maxVisits) {
    d.failRun({
      code: 'LOOP_LIMIT',
      message: `step "${step.id}" would begin visit ${visit}, but its max_visits is ${step.maxVisits}: a goto loop did not end`,
      retryable: false,
      stepId: step.id,
    });
    return;
  }
  if (d.state.activated[step.id] === undefined) {
    const blocked = blockingNeed(d, step);
    if (blocked !== undefined) {
      d.skip(step.id, visit, blocked.reason, blocked.cause);
      return;
    }
  }
  if (step.condition !== undefined && !d.holds(step.condition)) {
    d.skip(step.id, visit, `condition ${step.condition} is false`, 'condition');
    return;
  }
  if (pauseBefore(d, step, visit)) return;
  beginAttempt(d, step.id, visit, 1);
}

/**
 * Written needs are data edges: a need that was skipped, or failed without `on_error: continue`,
 * skips this step. A need skipped only because a goto took another branch does not count while
 * another need ran (a join after a switch); when all of them were, this step is not taken either.
 */
function blockingNeed(d: Decision, step: Step): { reason: string; cause: 'needs' | 'branch' } | undefined {
  const explicit = d.graph.explicitNeeds(step);
  let notTaken = 0;
  for (const need of explicit) {
    const runtime = d.step(need);
    if (runtime?.status === 'skipped') {
      if (runtime.skipCause === 'branch') {
        notTaken++;
        continue;
      }
      return { reason: `needs "${need}", which was skipped`, cause: 'needs' };
    }
    if (runtime?.status === 'failed' && d.graph.find(need)?.onError.kind !== 'continue') {
      return { reason: `needs "${need}", which failed`, cause: 'needs' };
    }
  }
  if (explicit.length > 0 && notTaken === explicit.length) {
    return { reason: `branch not taken: every step it needs (${explicit.join(', ')}) was`, cause: 'branch' };
  }
  return undefined;
}

/** Starts a group's children as the group allows and finishes the group when they have. */
function progressGroup(d: Decision, id: string): boolean {
  const definition = d.graph.find(id);
  const group = d.step(id);
  if (definition === undefined || group === undefined) return false;
  let progressed = false;
  let children: string[];
  if (definition.kind === 'parallel') {
    for (const branch of definition.branches) {
      if (d.begun(branch.id)) continue;
      beginBranch(d, branch);
      progressed = true;
      if (d.step(id)?.status !== 'running' || !d.running) return true;
    }
    children = definition.branches.map((branch) => branch.id);
  } else if (definition.kind === 'foreach') {
    const count = group.list?.length ?? 0;
    const idOf = (index: number): string => `${id}[${index}]`;
    const ofThisVisit = (index: number): boolean => d.step(idOf(index))?.visit === group.visit;
    let next = 0;
    while (next < count && ofThisVisit(next)) next++;
    const busy = (): number =>
      Array.from({ length: next }, (_, i) => d.step(idOf(i))).filter((child) => isActive(child)).length;
    while (next < count && busy() < definition.concurrency) {
      beginItem(d, definition, next++);
      progressed = true;
      if (d.step(id)?.status !== 'running' || !d.running) return true;
    }
    children = Array.from({ length: count }, (_, i) => idOf(i));
  } else return false;
  const finished =
    definition.kind === 'parallel'
      ? children.every((child) => d.done(child))
      : children.every((child) => d.step(child)?.visit === group.visit && d.done(child));
  if (!finished) return progressed;
  const items = children.map((child) => outputOf(d, child));
  d.emit('StepSucceeded', {
    stepId: id,
    visit: group.visit,
    attempt: group.attempt,
    output: JSON.stringify(items),
    items,
    durationMs: d.elapsed(group),
  });
  return true;
}

/** A branch starts with its parallel step: skipped when its condition is false. */
function beginBranch(d: Decision, branch: Step): void {
  const visit = d.nextVisit(branch.id);
  if (branch.condition !== undefined && !d.holds(branch.condition)) {
    d.skip(branch.id, visit, `condition ${branch.condition} is false`, 'condition');
    return;
  }
  beginAttempt(d, branch.id, visit, 1);
}

/** A child's place in its group's output: its output (a list for a group), null when it did not succeed. */
function outputOf(d: Decision, id: string): unknown {
  const step = d.step(id);
  if (step?.status !== 'succeeded') return null;
  return step.items ?? step.output ?? '';
}

function finishRun(d: Decision): void {
  const { definition } = d.ctx;
  let output: string;
  if (definition.output.template !== undefined) {
    const rendered = d.render(definition.output.template, 'the output');
    if (!rendered.ok) {
      d.failRun(rendered.error);
      return;
    }
    output = rendered.text;
  } else {
    output = lastOutput(d);
  }
  d.emit('RunSucceeded', { output, durationMs: d.runDuration() });
}

function lastOutput(d: Decision): string {
  const steps = d.graph.topLevel;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = d.step(steps[i].id);
    if (step?.status === 'succeeded') return step.output ?? '';
  }
  return '';
}
