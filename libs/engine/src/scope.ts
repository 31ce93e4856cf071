import type { WorkflowDefinition } from '@chainmail/contracts';
import {
  buildScope,
  stepGraph,
  stepViewOf,
  type RichStepView,
  type StepView,
  type TemplateScope,
} from '@chainmail/workflow-dsl';
import type { RunState, StepRuntime } from './run-state';

/** The names a template sees at this point of the run (see the definition format's scope rules). */
export function scopeOf(
  state: RunState,
  definition: WorkflowDefinition,
  locals?: Record<string, unknown>,
): TemplateScope {
  const steps: Record<string, RichStepView> = {};
  for (const [id, step] of Object.entries(state.steps)) {
    // Foreach items are read through their foreach's list, not by their `x[3]` ids.
    if (step.kind !== 'item') steps[id] = viewOf(step);
  }
  const userInput = state.inputs['user_input'];
  return buildScope({
    inputs: state.inputs,
    // The definition's own vars win: what a definition says is what its runs read.
    vars: state.vars === undefined ? definition.vars : { ...state.vars, ...definition.vars },
    user_input: typeof userInput === 'string' ? userInput : undefined,
    trigger: state.trigger.details ?? {},
    run: { id: state.runId, started_at: state.startedAt ?? '' },
    // The list-valued `output` is the engine's extension of StepView (see RichStepView).
    steps: steps as unknown as Record<string, StepView>,
    locals,
    // Hyphenated ids (`human-review`) read as steps even before they have run.
    stepIds: stepGraph(definition).stepIds,
  });
}

function viewOf(step: StepRuntime): RichStepView {
  return stepViewOf({
    kind: step.kind,
    status: step.status,
    output: step.items ?? step.output ?? '',
    input: step.input,
    errorMessage: step.error?.message,
    attempts: step.attempt,
    durationMs: step.durationMs,
    decision: step.decision,
  });
}
