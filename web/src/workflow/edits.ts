import type {
  AgentStep,
  ErrorPolicy,
  OutputSpec,
  RetryPolicy,
  Step,
  Trigger,
  WorkflowDefinition,
} from '@chainmail/contracts';

/**
 * What the builder's graph does to a workflow: each edit takes a definition and gives a new one
 * (nothing is changed in place), which the builder writes back as YAML and validates again.
 * Top-level steps whose `needs` were not written keep following the previous step, as the parser
 * reads them; moving or deleting steps keeps that true.
 */

const STEP_ID = /^[A-Za-z](?:[A-Za-z0-9_]|-(?!-))*$/;

/** A new workflow with one step, what "New workflow" starts from (`{{ user_input }}` is the run's text). */
export function newDefinition(name: string, agent: string): WorkflowDefinition {
  return {
    name,
    triggers: [],
    inputs: [],
    vars: {},
    steps: [agentStep('step1', agent, [], '{{ user_input }}')],
    output: { format: 'none' },
    timeoutMs: 10 * 60_000,
    mode: 'async',
  };
}

function agentStep(id: string, agent: string, needs: string[], input?: string): AgentStep {
  return {
    id,
    kind: 'agent',
    agent,
    input,
    needs,
    needsDeclared: false,
    onError: { kind: 'abort' },
    maxVisits: 10,
  };
}

/** A step id not yet used: `step1`, `step2`… */
export function freeStepId(definition: WorkflowDefinition, base = 'step'): string {
  const used = allStepIds(definition.steps);
  for (let n = 1; ; n++) if (!used.has(`${base}${n}`)) return `${base}${n}`;
}

function allStepIds(steps: readonly Step[]): Set<string> {
  const ids = new Set<string>();
  const visit = (step: Step): void => {
    ids.add(step.id);
    if (step.kind === 'parallel') step.branches.forEach(visit);
  };
  steps.forEach(visit);
  return ids;
}

/** Appends an agent step after the last one; its input reads the previous step's output. */
export function addStep(
  definition: WorkflowDefinition,
  agent: string,
  id = freeStepId(definition),
): WorkflowDefinition {
  const last = definition.steps.at(-1);
  const step = agentStep(
    id,
    agent,
    last === undefined ? [] : [last.id],
    last ? `{{ ${last.id}.output }}` : undefined,
  );
  return renumber({ ...definition, steps: [...definition.steps, step] });
}

/** Removes a step (a top-level one or a parallel branch) and every `needs` that named it. */
export function deleteStep(definition: WorkflowDefinition, id: string): WorkflowDefinition {
  const steps = definition.steps
    .filter((step) => step.id !== id)
    .map((step) =>
      step.kind === 'parallel' ? { ...step, branches: step.branches.filter((b) => b.id !== id) } : step,
    )
    .map((step) =>
      step.needsDeclared ? { ...step, needs: step.needs.filter((need) => need !== id) } : step,
    );
  return renumber({ ...definition, steps });
}

/** `target` waits for `source` (an edge drawn from source to target): a written `needs`. */
export function connect(definition: WorkflowDefinition, source: string, target: string): WorkflowDefinition {
  if (source === target) return definition;
  const steps = definition.steps.map((step) => {
    if (step.id !== target || step.needs.includes(source)) return step;
    return { ...step, needs: [...step.needs, source], needsDeclared: true };
  });
  return { ...definition, steps };
}

/** Removes the wait of `target` on `source`. */
export function disconnect(
  definition: WorkflowDefinition,
  source: string,
  target: string,
): WorkflowDefinition {
  const steps = definition.steps.map((step) =>
    step.id === target && step.needs.includes(source)
      ? { ...step, needs: step.needs.filter((need) => need !== source), needsDeclared: true }
      : step,
  );
  return { ...definition, steps };
}

/** What a top-level step waits for, written (`undefined`: the previous step, as when not written). */
export function setNeeds(
  definition: WorkflowDefinition,
  id: string,
  needs: string[] | undefined,
): WorkflowDefinition {
  const steps = definition.steps.map((step) =>
    step.id !== id
      ? step
      : needs === undefined
        ? { ...step, needsDeclared: false }
        : { ...step, needs: [...new Set(needs)], needsDeclared: true },
  );
  return renumber({ ...definition, steps });
}

/** Moves a top-level step up (-1) or down (+1) in the list. */
export function moveStep(definition: WorkflowDefinition, id: string, delta: -1 | 1): WorkflowDefinition {
  const index = definition.steps.findIndex((step) => step.id === id);
  const to = index + delta;
  if (index < 0 || to < 0 || to >= definition.steps.length) return definition;
  const steps = [...definition.steps];
  [steps[index], steps[to]] = [steps[to], steps[index]];
  return renumber({ ...definition, steps });
}

/** The fields the side panel edits. `undefined` removes an optional field. */
export interface StepChanges {
  agent?: string;
  input?: string;
  condition?: string;
  timeoutMs?: number;
  retry?: RetryPolicy;
  onError?: ErrorPolicy;
  description?: string;
}

export function updateStep(
  definition: WorkflowDefinition,
  id: string,
  changes: StepChanges & { [K in keyof StepChanges]?: StepChanges[K] | undefined },
): WorkflowDefinition {
  const apply = (step: Step): Step => {
    if (step.id !== id)
      return step.kind === 'parallel' ? { ...step, branches: step.branches.map(apply) } : step;
    const next = { ...step } as Step & Record<string, unknown>;
    for (const [key, value] of Object.entries(changes)) {
      if (key === 'agent') {
        if (next.kind === 'agent') next.agent = value as string;
        else if (next.kind === 'foreach' && next.body.kind === 'agent')
          next.body = { kind: 'agent', agent: value as string };
        continue;
      }
      if (key === 'onError') {
        next.onError = (value as ErrorPolicy | undefined) ?? { kind: 'abort' };
        continue;
      }
      if (value === undefined || value === '') delete next[key];
      else next[key] = value;
    }
    return next;
  };
  return { ...definition, steps: definition.steps.map(apply) };
}

/** Renames a step; `needs`, gotos and `{{old.…}}` in templates follow. */
export function renameStep(definition: WorkflowDefinition, from: string, to: string): WorkflowDefinition {
  if (!STEP_ID.test(to) || allStepIds(definition.steps).has(to)) return definition;
  const pattern = new RegExp(`(\\{\\{[^}]*?)\\b${from.replace(/[-]/g, '\\-')}\\b(?=\\s*\\.)`, 'g');
  const text = (value: string | undefined): string | undefined => value?.replace(pattern, `$1${to}`);
  const target = (step: string): string => (step === from ? to : step);
  const apply = (step: Step): Step => {
    const common = {
      ...step,
      id: target(step.id),
      needs: step.needs.map(target),
      input: text(step.input),
      condition: text(step.condition),
      onError:
        step.onError.kind === 'goto'
          ? { kind: 'goto' as const, step: target(step.onError.step) }
          : step.onError,
    };
    if (common.input === undefined) delete common.input;
    if (common.condition === undefined) delete common.condition;
    switch (common.kind) {
      case 'parallel':
        return { ...common, branches: common.branches.map(apply) };
      case 'switch':
        return {
          ...common,
          cases: common.cases.map((c) => ({ ...c, goto: target(c.goto), when: text(c.when) })),
        };
      case 'checkpoint': {
        const action = (a: typeof common.actions.approve): typeof a =>
          a.kind === 'goto' ? { kind: 'goto', step: target(a.step) } : a;
        return {
          ...common,
          actions: {
            approve: action(common.actions.approve),
            reject: action(common.actions.reject),
            edit: action(common.actions.edit),
          },
        };
      }
      default:
        return common;
    }
  };
  return {
    ...definition,
    steps: definition.steps.map(apply),
    output: { ...definition.output, template: text(definition.output.template) },
  };
}

/** Top-level steps without written needs follow the previous step, as the parser reads them. */
function renumber(definition: WorkflowDefinition): WorkflowDefinition {
  const steps = definition.steps.map((step, index) => {
    if (step.needsDeclared) return step;
    const previous = definition.steps[index - 1];
    return { ...step, needs: previous === undefined ? [] : [previous.id] };
  });
  return { ...definition, steps };
}

export const isStepId = (id: string): boolean => STEP_ID.test(id);

/** What the workflow panel changes besides the steps: the description and the run's output. */
export interface WorkflowChanges {
  description?: string;
  output?: OutputSpec;
}

/** Sets the workflow's description (empty: none) or output; the parser checks the result. */
export function updateWorkflow(definition: WorkflowDefinition, changes: WorkflowChanges): WorkflowDefinition {
  const next = { ...definition, ...changes };
  if (changes.description !== undefined && changes.description.trim() === '') delete next.description;
  return next;
}

/** Adds a trigger after the others; a trigger equal to one already there is not added twice. */
export function addTrigger(definition: WorkflowDefinition, trigger: Trigger): WorkflowDefinition {
  const same = definition.triggers.some((t) => JSON.stringify(t) === JSON.stringify(trigger));
  return same ? definition : { ...definition, triggers: [...definition.triggers, trigger] };
}

/** Removes the trigger at `index` (its place in `triggers`). */
export function removeTrigger(definition: WorkflowDefinition, index: number): WorkflowDefinition {
  return { ...definition, triggers: definition.triggers.filter((_, i) => i !== index) };
}
