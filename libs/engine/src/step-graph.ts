import type { Step, WorkflowDefinition } from '@chainmail/workflow-dsl';

/**
 * What the engine asks of a definition's shape, computed once per definition: steps by id
 * (branches too), each branch's parallel step, and who depends on whom through `needs`.
 */
export interface StepGraph {
  readonly topLevel: readonly Step[];
  /** Every step id of the definition, branches included (template scope). */
  readonly stepIds: ReadonlySet<string>;
  find(id: string): Step | undefined;
  /** The parallel step a branch belongs to. */
  parentOf(id: string): string | undefined;
  /** Position of a top-level step in the list (branches: that of their top-level step). */
  order(id: string): number;
  /** Top-level steps that need `id`, directly or through others, in list order. */
  downstream(id: string): readonly string[];
  /** The needs that are data edges (written by the author). */
  explicitNeeds(step: Step): readonly string[];
  /** Ids of the branches nested in a parallel step, at any depth. */
  nested(id: string): readonly string[];
}

const cache = new WeakMap<WorkflowDefinition, StepGraph>();

export function stepGraph(definition: WorkflowDefinition): StepGraph {
  let graph = cache.get(definition);
  if (graph === undefined) {
    graph = buildGraph(definition);
    cache.set(definition, graph);
  }
  return graph;
}

function buildGraph(definition: WorkflowDefinition): StepGraph {
  const topLevel = definition.steps;
  const byId = new Map<string, Step>();
  const parents = new Map<string, string>();
  const orders = new Map<string, number>();
  const nestedIds = new Map<string, string[]>();
  const register = (step: Step, order: number, parent?: string): string[] => {
    byId.set(step.id, step);
    orders.set(step.id, order);
    if (parent !== undefined) parents.set(step.id, parent);
    const inner =
      step.kind === 'parallel' ? step.branches.flatMap((b) => [b.id, ...register(b, order, step.id)]) : [];
    nestedIds.set(step.id, inner);
    return inner;
  };
  topLevel.forEach((step, index) => register(step, index));

  const dependants = new Map<string, string[]>();
  for (const step of topLevel) {
    for (const need of step.needs) dependants.set(need, [...(dependants.get(need) ?? []), step.id]);
  }
  const downstreamMemo = new Map<string, readonly string[]>();
  const downstream = (id: string): readonly string[] => {
    const known = downstreamMemo.get(id);
    if (known !== undefined) return known;
    const seen = new Set<string>();
    const queue = [...(dependants.get(id) ?? [])];
    while (queue.length > 0) {
      const next = queue.shift() as string;
      if (seen.has(next) || next === id) continue;
      seen.add(next);
      queue.push(...(dependants.get(next) ?? []));
    }
    const ordered = [...seen].sort((a, b) => (orders.get(a) ?? 0) - (orders.get(b) ?? 0));
    downstreamMemo.set(id, ordered);
    return ordered;
  };

  const explicitNeeds = (step: Step): readonly string[] => {
    if (step.needsDeclared === true) return step.needs;
    if (step.needsDeclared === false || parents.has(step.id)) return [];
    // Published before `needsDeclared` existed: only the previous step looks defaulted.
    const index = orders.get(step.id) ?? 0;
    const previous = index > 0 ? topLevel[index - 1].id : undefined;
    return step.needs.length === 1 && step.needs[0] === previous ? [] : step.needs;
  };

  return {
    topLevel,
    stepIds: new Set(byId.keys()),
    find: (id) => byId.get(id),
    parentOf: (id) => parents.get(id),
    order: (id) => orders.get(id) ?? Number.MAX_SAFE_INTEGER,
    downstream,
    explicitNeeds,
    nested: (id) => nestedIds.get(id) ?? [],
  };
}
