import type { StepView } from './scope';

/** What a step has done, as the engine's state and the run views both know it. */
export interface StepFacts {
  kind?: string;
  status: string;
  /** A parallel or foreach step's list of children's outputs, else its text output. */
  output: string | unknown[];
  input?: string;
  errorMessage?: string;
  attempts: number;
  durationMs?: number;
  decision?: { action: string; input?: string; comment?: string; by: string };
}

/**
 * What a template reads of a step, beyond `StepView`: a parallel or foreach step's `.output` is
 * the list itself (so `{{ fan-out.output[0] }}` works; rendered whole it is JSON), a checkpoint
 * shows its decision (`.input` is the reviewer's text), other steps their `.input`.
 */
export type RichStepView = Omit<StepView, 'output'> & {
  output: string | unknown[];
  input?: string;
  action?: string;
  comment?: string;
  by?: string;
};

/** The one mapping from a step's facts to what templates see of it (engine and notification alike). */
export function stepViewOf(step: StepFacts): RichStepView {
  const view: RichStepView = {
    output: step.output,
    json: Array.isArray(step.output) ? step.output : parseJsonOutput(step.output),
    success: step.status === 'succeeded',
    error: step.errorMessage,
    attempts: step.attempts,
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
