import type { WorkflowDefinition } from '@chainmail/contracts';
import type { RunRecord, StepRecord } from '@chainmail/persistence';
import {
  buildScope,
  stepGraph,
  stepViewOf,
  type StepView,
  type TemplateScope,
} from '@chainmail/workflow-dsl';

/**
 * What a template of the definition's `output` sees, read from the run's views: the same names as
 * the engine's scope at the end of the run (inputs, vars, trigger, run, steps with their output,
 * `.json`, `.success`, `.error`, `.attempts`, `.duration_ms`, a checkpoint's decision).
 */
export function scopeOfRun(run: RunRecord, definition: WorkflowDefinition): TemplateScope {
  const steps: Record<string, StepView> = {};
  for (const step of run.steps) {
    // Foreach items are read through their foreach's list, not by their `x[3]` ids.
    if (step.kind !== 'item') steps[step.stepId] = viewOf(step);
  }
  const userInput = run.inputs['user_input'];
  return buildScope({
    inputs: run.inputs,
    // The definition's own vars win: what a definition says is what its runs read.
    vars: run.vars === null ? definition.vars : { ...run.vars, ...definition.vars },
    user_input: typeof userInput === 'string' ? userInput : undefined,
    trigger: run.trigger.details ?? {},
    run: { id: run.id, started_at: run.startedAt },
    steps,
    // Hyphenated ids (`human-review`) read as steps even before they have run.
    stepIds: stepGraph(definition).stepIds,
  });
}

function viewOf(step: StepRecord): StepView {
  return stepViewOf({
    kind: step.kind ?? undefined,
    status: step.status,
    output: step.items ?? step.output ?? '',
    input: step.input ?? undefined,
    errorMessage: step.error?.message,
    attempts: step.attempts,
    durationMs: step.durationMs ?? undefined,
    decision: step.decision ?? undefined,
  }) as unknown as StepView;
}
