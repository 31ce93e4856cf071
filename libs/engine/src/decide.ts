import { makeRunEvent, type RunEvent, type StepError } from '@chainmail/contracts';
import { evaluateCondition, renderTemplate, type Step } from '@chainmail/workflow-dsl';
import type { DecisionContext, RunCommand, StepOutcome } from './commands';
import { evolve } from './evolve';
import { isStepDone, isTerminal, type RunState } from './run-state';
import { scopeOf } from './scope';

/**
 * decide(command, state, context) → the events that command causes. Pure: the same inputs always
 * give the same events. Commands that no longer apply (a duplicate start, a result for an attempt
 * that is not running) give no events, which is what makes redelivery harmless.
 */
export function decide(command: RunCommand, state: RunState, ctx: DecisionContext): RunEvent[] {
  const decision = new Decision(state, ctx);
  switch (command.type) {
    case 'StartRun':
      if (state.status !== 'new') return [];
      decision.emit(
        makeRunEvent('RunStarted', state.runId, decision.at, {
          workflow: command.data.workflow,
          version: command.data.version,
          inputs: command.data.inputs,
          trigger: command.data.trigger,
          owner: command.data.owner,
          actor: command.data.actor,
          debug: command.data.debug,
          commandId: command.data.commandId,
          timeoutMs: ctx.definition.timeoutMs,
        }),
      );
      decision.advance();
      break;
    case 'CompleteStep':
      decision.completeStep(command.data.stepId, command.data.visit, command.data.attempt, command.data.outcome);
      break;
    case 'CancelRun':
      if (state.status !== 'running') return [];
      decision.emit(
        makeRunEvent('RunCancelled', state.runId, decision.at, {
          reason: command.data.reason,
          by: command.data.by,
          durationMs: decision.runDuration(),
        }),
      );
      break;
  }
  return decision.events;
}

/** Accumulates events while keeping the state they lead to, so each choice sees the one before. */
class Decision {
  readonly events: RunEvent[] = [];
  readonly at: string;

  constructor(
    private state: RunState,
    private readonly ctx: DecisionContext,
  ) {
    this.at = new Date(ctx.now).toISOString();
  }

  emit(event: RunEvent): void {
    this.events.push(event);
    this.state = evolve(this.state, event);
  }

  runDuration(): number {
    return this.state.startedAt ? Math.max(0, this.ctx.now - Date.parse(this.state.startedAt)) : 0;
  }

  completeStep(stepId: string, visit: number, attempt: number, outcome: StepOutcome): void {
    const step = this.state.steps[stepId];
    if (this.state.status !== 'running' || !step || step.status !== 'running') return;
    if (step.visit !== visit || step.attempt !== attempt) return;
    const runId = this.state.runId;
    if (outcome.ok) {
      this.emit(
        makeRunEvent('StepSucceeded', runId, this.at, {
          stepId,
          visit,
          attempt,
          output: outcome.output,
          usage: outcome.usage,
          durationMs: outcome.durationMs,
        }),
      );
      this.advance();
      return;
    }
    this.emit(
      makeRunEvent('StepFailed', runId, this.at, {
        stepId,
        visit,
        attempt,
        error: outcome.error,
        durationMs: outcome.durationMs,
      }),
    );
    const definition = this.stepDefinition(stepId);
    const maxAttempts = 1 + (definition?.retry?.max ?? 0);
    if (outcome.error.retryable && attempt < maxAttempts && definition) {
      this.startStep(definition, visit, attempt + 1);
      return;
    }
    this.applyErrorPolicy(stepId, visit, outcome.error);
  }

  private applyErrorPolicy(stepId: string, visit: number, error: StepError): void {
    const policy = this.stepDefinition(stepId)?.onError ?? { kind: 'abort' };
    switch (policy.kind) {
      case 'skip':
        this.emit(
          makeRunEvent('StepSkipped', this.state.runId, this.at, {
            stepId,
            visit,
            reason: `failed and on_error is skip: ${error.message}`,
          }),
        );
        this.advance();
        return;
      case 'continue':
        this.advance();
        return;
      default:
        this.failRun({ ...error, stepId });
    }
  }

  /** Starts every step whose needs are met, skips those whose condition is false, finishes the run. */
  advance(): void {
    const { definition } = this.ctx;
    let progressed = true;
    while (progressed && this.state.status === 'running') {
      progressed = false;
      for (const step of definition.steps) {
        if (this.state.steps[step.id] !== undefined || !this.needsMet(step)) continue;
        if (step.condition !== undefined && !this.conditionHolds(step)) {
          this.emit(
            makeRunEvent('StepSkipped', this.state.runId, this.at, {
              stepId: step.id,
              visit: 1,
              reason: `condition ${step.condition} is false`,
            }),
          );
          progressed = true;
          continue;
        }
        this.startStep(step, 1, 1);
        if (this.state.status !== 'running') return;
      }
    }
    if (this.state.status === 'running' && definition.steps.every((s) => isStepDone(this.state.steps[s.id]))) {
      this.finishRun();
    }
  }

  private startStep(step: Step, visit: number, attempt: number): void {
    if (step.kind !== 'agent') {
      this.emit(
        makeRunEvent('StepStarted', this.state.runId, this.at, { stepId: step.id, visit, attempt }),
      );
      this.emit(
        makeRunEvent('StepFailed', this.state.runId, this.at, {
          stepId: step.id,
          visit,
          attempt,
          error: {
            code: 'STEP_KIND_UNSUPPORTED',
            message: `step "${step.id}" is a ${step.kind} step, which this engine cannot run yet`,
            retryable: false,
          },
          durationMs: 0,
        }),
      );
      this.applyErrorPolicy(step.id, visit, {
        code: 'STEP_KIND_UNSUPPORTED',
        message: `${step.kind} steps are not supported yet`,
        retryable: false,
      });
      return;
    }
    const rendered = this.render(step.input ?? '', step.id, 'input');
    if (!rendered.ok) {
      this.failRun({ ...rendered.error, stepId: step.id });
      return;
    }
    this.emit(
      makeRunEvent('StepStarted', this.state.runId, this.at, {
        stepId: step.id,
        visit,
        attempt,
        agent: step.agent,
        input: rendered.text,
      }),
    );
  }

  private needsMet(step: Step): boolean {
    return step.needs.every((id) => {
      const need = this.state.steps[id];
      return need !== undefined && isStepDone(need);
    });
  }

  private conditionHolds(step: Step & { condition?: string }): boolean {
    try {
      return evaluateCondition(step.condition ?? 'true', scopeOf(this.state, this.ctx.definition));
    } catch {
      return false;
    }
  }

  private render(template: string, stepId: string, field: string): { ok: true; text: string } | { ok: false; error: StepError } {
    try {
      return { ok: true, text: renderTemplate(template, scopeOf(this.state, this.ctx.definition)) };
    } catch (err) {
      return {
        ok: false,
        error: {
          code: 'TEMPLATE_FAILED',
          message: `the ${field} template of step "${stepId}" could not be evaluated: ${(err as Error).message}`,
          retryable: false,
        },
      };
    }
  }

  private finishRun(): void {
    const { definition } = this.ctx;
    let output: string;
    if (definition.output.template !== undefined) {
      const rendered = this.render(definition.output.template, 'output', 'output');
      if (!rendered.ok) {
        this.failRun(rendered.error);
        return;
      }
      output = rendered.text;
    } else {
      output = lastOutput(this.state, definition.steps);
    }
    this.emit(makeRunEvent('RunSucceeded', this.state.runId, this.at, { output, durationMs: this.runDuration() }));
  }

  private failRun(error: StepError & { stepId?: string }): void {
    if (isTerminal(this.state.status)) return;
    this.emit(makeRunEvent('RunFailed', this.state.runId, this.at, { error, durationMs: this.runDuration() }));
  }

  private stepDefinition(stepId: string): Step | undefined {
    return this.ctx.definition.steps.find((s) => s.id === stepId);
  }
}

function lastOutput(state: RunState, steps: readonly Step[]): string {
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = state.steps[steps[i].id];
    if (step?.status === 'succeeded') return step.output ?? '';
  }
  return '';
}
