import {
  makeRunEvent,
  type RunEvent,
  type RunEventMap,
  type RunEventType,
  type SkipCause,
  type StepError,
} from '@chainmail/contracts';
import {
  evaluateCondition,
  evaluateExpression,
  renderTemplate,
  stepGraph,
  type StepGraph,
} from '@chainmail/workflow-dsl';
import type { DecisionContext } from './commands';
import { evolve } from './evolve';
import { hasBegun, isActive, isStepDone, isTerminal, type RunState, type StepRuntime } from './run-state';
import { scopeOf } from './scope';

export type Rendered = { ok: true; text: string } | { ok: false; error: StepError };

/**
 * One decision in progress: the events so far and the state they lead to, so each choice sees
 * the ones before it. The control-flow modules (start, end, goto, progress) work on it.
 */
export class Decision {
  readonly events: RunEvent[] = [];
  readonly at: string;
  readonly graph: StepGraph;

  constructor(
    public state: RunState,
    readonly ctx: DecisionContext,
  ) {
    this.at = new Date(ctx.now).toISOString();
    this.graph = stepGraph(ctx.definition);
  }

  get runId(): string {
    return this.state.runId;
  }

  get running(): boolean {
    return this.state.status === 'running';
  }

  emit<K extends RunEventType>(type: K, data: RunEventMap[K]): void {
    const event = makeRunEvent(type, this.state.runId, this.at, data);
    this.events.push(event);
    this.state = evolve(this.state, event);
  }

  step(id: string): StepRuntime | undefined {
    return this.state.steps[id];
  }

  /** The visit a step that has not begun would begin now. */
  nextVisit(id: string): number {
    return (this.state.steps[id]?.visit ?? 0) + 1;
  }

  begun(id: string): boolean {
    return hasBegun(this.state.steps[id]);
  }

  done(id: string): boolean {
    return isStepDone(this.state.steps[id]);
  }

  elapsed(step: StepRuntime | undefined): number {
    return step?.startedAt ? Math.max(0, this.ctx.now - Date.parse(step.startedAt)) : 0;
  }

  runDuration(): number {
    return this.state.startedAt ? Math.max(0, this.ctx.now - Date.parse(this.state.startedAt)) : 0;
  }

  render(template: string, what: string, locals?: Record<string, unknown>): Rendered {
    try {
      return { ok: true, text: renderTemplate(template, scopeOf(this.state, this.ctx.definition, locals)) };
    } catch (err) {
      return { ok: false, error: templateFailed(what, err) };
    }
  }

  evaluate(template: string, what: string): { ok: true; value: unknown } | { ok: false; error: StepError } {
    try {
      return { ok: true, value: evaluateExpression(template, scopeOf(this.state, this.ctx.definition)) };
    } catch (err) {
      return { ok: false, error: templateFailed(what, err) };
    }
  }

  /** A condition that cannot be evaluated counts as false: the step is skipped, not the run failed. */
  holds(condition: string): boolean {
    try {
      return evaluateCondition(condition, scopeOf(this.state, this.ctx.definition));
    } catch {
      return false;
    }
  }

  skip(stepId: string, visit: number, reason: string, cause: SkipCause): void {
    this.emit('StepSkipped', { stepId, visit, reason, cause });
  }

  /** Ids of a group step's children for its current visit (branches, or the foreach's items). */
  children(id: string): string[] {
    const step = this.step(id);
    if (step?.kind === 'foreach') {
      return (step.list ?? [])
        .map((_, index) => `${id}[${index}]`)
        .filter((child) => this.step(child)?.visit === step.visit);
    }
    const definition = this.graph.find(id);
    return definition?.kind === 'parallel' ? definition.branches.map((b) => b.id) : [];
  }

  /**
   * Ends a step that is still at work (running, waiting for a retry or a decision) as skipped,
   * its children first; a sub-workflow attempt's child run is given up on too.
   */
  abandon(id: string, reason: string): void {
    const step = this.step(id);
    if (!isActive(step)) return;
    for (const child of this.children(id)) this.abandon(child, reason);
    this.abandonChildRun(id, reason);
    this.skip(id, step.visit, reason, 'abandoned');
  }

  abandonChildRun(id: string, reason: string): void {
    const step = this.step(id);
    if (step?.status !== 'running' || step.childRunId === undefined || step.pending === true) return;
    this.emit('ChildRunAbandoned', {
      stepId: id,
      visit: step.visit,
      attempt: step.attempt,
      childRunId: step.childRunId,
      reason,
    });
  }

  /** Before a run ends: its sub-workflow runs still at work are given up on. */
  abandonChildRuns(reason: string): void {
    for (const id of Object.keys(this.state.steps)) this.abandonChildRun(id, reason);
  }

  failRun(error: StepError & { stepId?: string }): void {
    if (isTerminal(this.state.status)) return;
    this.abandonChildRuns(`the run failed: ${error.message}`);
    this.emit('RunFailed', { error, durationMs: this.runDuration() });
  }
}

function templateFailed(what: string, err: unknown): StepError {
  return {
    code: 'TEMPLATE_FAILED',
    message: `${what} could not be evaluated: ${err instanceof Error ? err.message : String(err)}`,
    retryable: false,
  };
}
