import type { RunEventOf, TriggerInfo, OutputSpec, RunMode, WorkflowDefinition } from '@chainmail/contracts';
import type { RunRecord } from '@chainmail/persistence';

/** What decides a run's notifications: known once it has started, fixed for its life (runs are pinned). */
export interface RunFacts {
  runId: string;
  workflow: string;
  version: number;
  trigger: TriggerInfo;
  /** A sub-workflow run: its output goes to the parent step, not to anyone's inbox. */
  isChild: boolean;
  inputs: Record<string, unknown>;
  definition: WorkflowDefinition;
}

export function runFacts(started: RunEventOf<'RunStarted'>, definition: WorkflowDefinition): RunFacts {
  const d = started.data;
  return {
    runId: started.runId,
    workflow: d.workflow,
    version: d.version,
    trigger: d.trigger,
    isChild: d.parent !== undefined,
    inputs: d.inputs,
    definition,
  };
}

/** The same facts from the run's views (their RunStarted facts). */
export function runFactsOfView(run: RunRecord, definition: WorkflowDefinition): RunFacts {
  return {
    runId: run.id,
    workflow: run.workflow,
    version: run.version,
    trigger: run.trigger,
    isChild: run.parentRunId !== null,
    inputs: run.inputs,
    definition,
  };
}

export const modeOf = (facts: RunFacts): RunMode => facts.definition.mode;
export const outputOf = (facts: RunFacts): OutputSpec => facts.definition.output;

/** The steps counted in "Steps completed: n/m" and numbered in "Step 2/4": the definition's own. */
export const countedStepIds = (definition: WorkflowDefinition): string[] => definition.steps.map((s) => s.id);
