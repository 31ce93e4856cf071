import type { WorkflowDefinition } from '@chainmail/contracts';
import { buildScope, stepGraph, type StepView, type TemplateScope } from '@chainmail/workflow-dsl';
import type { RunState, StepRuntime } from './run-state';

/**
 * What the engine shows a template of a step, beyond `StepView`: a parallel or foreach step's
 * `.output` is the list itself (so `{{ fan-out.output[0] }}` works; rendered whole it is JSON),
 * a checkpoint shows its decision (`.input` is the reviewer's text), other steps their `.input`.
 */
type EngineStepView = Omit<StepView, 'output'> & {
  output: string | unknown[];
  input?: string;
  action?: string;
  comment?: string;
  by?: string;
};

/** The names a template sees at this point of the run (see the definition format's scope rules). */
export function scopeOf(
  state: RunState,
  definition: WorkflowDefinition,
  locals?: Record<string, unknown>,
): TemplateScope {
  const steps: Record<string, EngineStepView> = {};
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
    // The list-valued `output` is this engine's extension of StepView (see EngineStepView).
    steps: steps as unknown as Record<string, StepView>,
    locals,
    // Hyphenated ids (`human-review`) read as steps even before they have run.
    stepIds: stepGraph(definition).stepIds,
  });
}

function viewOf(step: StepRuntime): EngineStepView {
  const output = step.items ?? step.output ?? '';
  const view: EngineStepView = {
    output,
    json: Array.isArray(output) ? output : parseJsonOutput(output),
    success: step.status === 'succeeded',
    error: step.error?.message,
    attempts: step.attempt,
    duration_ms: step.durationMs ?? 0,
  };
  if (step.kind === 'checkpoint') {
    if (step.decision !== undefined) {
      view.input = step.decision.input;
      view.action = step.decision.action;
      view.comment = step.decision.comment;
      view.by = step.decision.by;
    }
  } else if (step.input !== undefined) view.input = step.input;
  return view;
}

/** `.json` of a step: its output parsed when it looks like JSON, else undefined. */
function parseJsonOutput(output: string): unknown {
  const first = output.trimStart()[0];
  if (first !== '{' && first !== '[') return undefined;
  try {
    return JSON.parse(output) as unknown;
  } catch {
    return undefined;
  }
}
