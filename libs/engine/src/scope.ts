import { buildScope, type StepView, type TemplateScope } from '@chainmail/workflow-dsl';
import type { WorkflowDefinition } from '@chainmail/workflow-dsl';
import type { RunState } from './run-state';

/** The names a template sees at this point of the run (see the definition format's scope rules). */
export function scopeOf(state: RunState, definition: WorkflowDefinition): TemplateScope {
  const steps: Record<string, StepView> = {};
  for (const [id, step] of Object.entries(state.steps)) {
    const output = step.output ?? '';
    steps[id] = {
      output,
      json: parseJsonOutput(output),
      success: step.status === 'succeeded',
      error: step.error?.message,
      attempts: step.attempt,
      duration_ms: step.durationMs ?? 0,
    };
  }
  const userInput = state.inputs['user_input'];
  return buildScope({
    inputs: state.inputs,
    vars: definition.vars,
    user_input: typeof userInput === 'string' ? userInput : undefined,
    trigger: state.trigger.details ?? {},
    run: { id: state.runId, started_at: state.startedAt ?? '' },
    steps,
    // Hyphenated ids (`human-review`) read as steps even before they have run.
    stepIds: stepIdsOf(definition),
  });
}

const stepIdCache = new WeakMap<WorkflowDefinition, ReadonlySet<string>>();

function stepIdsOf(definition: WorkflowDefinition): ReadonlySet<string> {
  let ids = stepIdCache.get(definition);
  if (!ids) {
    ids = new Set(definition.steps.flatMap((s) => (s.kind === 'parallel' ? [s.id, ...s.branches.map((b) => b.id)] : [s.id])));
    stepIdCache.set(definition, ids);
  }
  return ids;
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
