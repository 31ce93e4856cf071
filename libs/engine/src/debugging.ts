import type {
  CarriedStep,
  PauseRunData,
  ResumeRunData,
  RewindRunData,
  Step,
  StepRunData,
  WorkflowDefinition,
} from '@chainmail/contracts';
import { stepGraph } from '@chainmail/workflow-dsl';
import type { Decision, Rendered } from './decision';
import { isActive, isStepDone, isTerminal, type RunState } from './run-state';

/**
 * Step-by-step debugging, rewind and fork. Pauses go before top-level steps only: a parallel
 * step's branches and a foreach step's items run with their step (pause before the group).
 */

/**
 * Before a top-level step begins a visit: a run in debug mode (or at a breakpoint) pauses here
 * instead, unless a step or resume command let this very visit go.
 */
export function pauseBefore(d: Decision, step: Step, visit: number): boolean {
  const { pauseMode, released, breakpoints } = d.state;
  if (pauseMode === undefined) return false;
  if (released?.stepId === step.id && released.visit === visit) return false;
  if (pauseMode === 'breakpoints' && !breakpoints.includes(step.id)) return false;
  const input = resolvedInput(d, step);
  d.emit('RunPaused', { stepId: step.id, visit, ...(input !== undefined ? { input } : {}) });
  return true;
}

/** What an agent or workflow step would be called with now (nothing when it cannot be rendered). */
function resolvedInput(d: Decision, step: Step): string | undefined {
  if (step.kind !== 'agent' && step.kind !== 'workflow') return undefined;
  const rendered = d.render(step.input ?? '', `the input of step "${step.id}"`);
  return rendered.ok ? rendered.text : undefined;
}

/** The input a step command gave for this visit of the step, instead of the rendered one. */
export function replacedInput(d: Decision, stepId: string, visit: number): Rendered | undefined {
  const released = d.state.released;
  if (released?.stepId !== stepId || released.visit !== visit || released.input === undefined)
    return undefined;
  return { ok: true, text: released.input };
}

/** Step or resume: applies only to the pause it names (a late or repeated command decides nothing). */
export function releasePause(
  d: Decision,
  type: 'StepRun' | 'ResumeRun',
  data: StepRunData | ResumeRunData,
): void {
  const paused = d.state.paused;
  if (paused === undefined || paused.stepId !== data.stepId || paused.visit !== data.visit) return;
  if (type === 'StepRun') {
    const input = (data as StepRunData).input;
    d.emit('RunStepped', {
      stepId: data.stepId,
      visit: data.visit,
      ...(input !== undefined ? { input } : {}),
      by: data.by,
    });
  } else {
    d.emit('RunResumed', { stepId: data.stepId, visit: data.visit, by: data.by });
  }
}

/**
 * Pause: a running run that would not pause before its next step now does (and before each after
 * it, as in debug mode, until resumed). One paused, or pausing before every step, is left as it is.
 */
export function requestPause(d: Decision, data: PauseRunData): void {
  if (d.state.paused !== undefined || d.state.pauseMode === 'every') return;
  d.emit('RunPauseRequested', { by: data.by });
}

/** Why a run cannot be rewound to a step; `CONFLICT` while it has not ended. */
export interface Refusal {
  code: 'CONFLICT' | 'UNPROCESSABLE';
  message: string;
}

export function rewindRefusal(
  state: RunState,
  definition: WorkflowDefinition,
  toStep: string,
): Refusal | undefined {
  if (!isTerminal(state.status)) {
    return {
      code: 'CONFLICT',
      message: `run ${state.runId} is ${state.paused ? 'paused' : state.status}: only an ended run (failed, cancelled or succeeded) can be rewound; cancel it first`,
    };
  }
  if (state.parent !== undefined) {
    return {
      code: 'UNPROCESSABLE',
      message: `run ${state.runId} is a sub-workflow run of ${state.parent.runId}: rewind the parent run instead`,
    };
  }
  const placement = topLevelRefusal(definition, toStep, `version ${state.version} of ${state.workflow}`);
  if (placement !== undefined) return placement;
  if (state.steps[toStep] === undefined) {
    return {
      code: 'UNPROCESSABLE',
      message: `step "${toStep}" was never reached in run ${state.runId}: rewind to a step it ran`,
    };
  }
  return undefined;
}

function topLevelRefusal(definition: WorkflowDefinition, id: string, where: string): Refusal | undefined {
  const graph = stepGraph(definition);
  if (graph.find(id) === undefined) {
    const known = graph.topLevel.map((step) => step.id).join(', ');
    return { code: 'UNPROCESSABLE', message: `there is no step "${id}" in ${where} (its steps: ${known})` };
  }
  const parent = graph.parentOf(id);
  if (parent !== undefined) {
    return {
      code: 'UNPROCESSABLE',
      message: `step "${id}" is a branch of "${parent}": debugging works on top-level steps, use "${parent}"`,
    };
  }
  return undefined;
}

/**
 * Takes an ended run back to `toStep`. Reset: the step and every step downstream of it, every
 * top-level step that had not finished when the run ended (abandoned, or cut short by the end),
 * and the step whose failure ended the run; with their branches and items. The rest keep their
 * results.
 */
export function rewindRun(d: Decision, data: RewindRunData): void {
  if (rewindRefusal(d.state, d.ctx.definition, data.toStep) !== undefined) return;
  const { graph, state } = d;
  const tops = new Set([data.toStep, ...graph.downstream(data.toStep)]);
  for (const step of graph.topLevel) {
    const runtime = state.steps[step.id];
    const abandoned = runtime?.status === 'skipped' && runtime.skipCause === 'abandoned';
    if (abandoned || isActive(runtime)) tops.add(step.id);
  }
  const failedAt = state.error?.stepId;
  if (failedAt !== undefined) {
    const owner = state.steps[failedAt]?.kind === 'item' ? state.steps[failedAt]?.parent : failedAt;
    if (owner !== undefined && graph.find(owner) !== undefined) tops.add(graph.topOf(owner));
  }
  const group = new Set([...tops].flatMap((id) => [id, ...graph.nested(id)]));
  const resetStepIds = [...group].filter((id) => state.steps[id] !== undefined);
  for (const [id, step] of Object.entries(state.steps)) {
    if (step.kind === 'item' && step.parent !== undefined && group.has(step.parent)) resetStepIds.push(id);
  }
  d.emit('RunRewound', {
    toStep: data.toStep,
    resetStepIds,
    timeoutMs: d.ctx.definition.timeoutMs,
    by: data.by,
  });
}

export type ForkPlan = { ok: true; carried: Record<string, CarriedStep> } | { ok: false; refusal: Refusal };

/**
 * What a run forked from `source` at `step` takes over, on `definition` (the source's version or
 * another): the results of the top-level steps before `step` that had finished (with their
 * branches), where the new version has them. Every step `step` needs must be among them.
 */
export function planFork(source: RunState, definition: WorkflowDefinition, step: string): ForkPlan {
  const refusal = topLevelRefusal(definition, step, `version of ${definition.name} forked onto`);
  if (refusal !== undefined) return { ok: false, refusal };
  if (source.parent !== undefined) {
    return {
      ok: false,
      refusal: {
        code: 'UNPROCESSABLE',
        message: `run ${source.runId} is a sub-workflow run: fork its parent run instead`,
      },
    };
  }
  const graph = stepGraph(definition);
  const before = graph.order(step);
  const carried: Record<string, CarriedStep> = {};
  for (const top of graph.topLevel) {
    if (graph.order(top.id) >= before || !isStepDone(source.steps[top.id])) continue;
    for (const id of [top.id, ...graph.nested(top.id)]) {
      const runtime = source.steps[id];
      if (!isStepDone(runtime) || runtime.status === 'running') continue;
      carried[id] = {
        status: runtime.status,
        attempt: runtime.attempt,
        ...(runtime.kind !== undefined ? { kind: runtime.kind } : {}),
        ...(runtime.agent !== undefined ? { agent: runtime.agent } : {}),
        ...(runtime.input !== undefined ? { input: runtime.input } : {}),
        ...(runtime.output !== undefined ? { output: runtime.output } : {}),
        ...(runtime.items !== undefined ? { items: runtime.items } : {}),
        ...(runtime.error !== undefined ? { error: runtime.error } : {}),
        ...(runtime.skipReason !== undefined ? { skipReason: runtime.skipReason } : {}),
        ...(runtime.skipCause !== undefined ? { skipCause: runtime.skipCause } : {}),
        ...(runtime.parent !== undefined ? { parent: runtime.parent } : {}),
      };
    }
  }
  const target = graph.find(step);
  const missing = (target?.needs ?? []).filter((need) => carried[need] === undefined);
  if (missing.length > 0) {
    return {
      ok: false,
      refusal: {
        code: 'UNPROCESSABLE',
        message: `step "${step}" needs ${missing.map((m) => `"${m}"`).join(', ')}, which had not finished in run ${source.runId} at that commit: fork from an earlier step`,
      },
    };
  }
  return { ok: true, carried };
}
