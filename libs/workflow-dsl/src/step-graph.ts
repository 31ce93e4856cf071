import type { Step, WorkflowDefinition } from '@chainmail/contracts';

/**
 * A definition's shape, computed once per definition: steps by id (branches too), each branch's
 * parallel step, and who depends on whom through `needs`. The parser checks templates with it
 * (what has finished before a step) and the engine decides with it.
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
  /**
   * The steps guaranteed to have finished before `id` starts: its top-level step's needs, through
   * others, with the branches of each needed parallel step. Unknown ids and branch targets in
   * `needs` are left out; a cycle ends the walk (a definition with one does not validate).
   */
  upstream(id: string): ReadonlySet<string>;
  /** The top-level step a step is, or is nested in. */
  topOf(id: string): string;
  /** The needs that are data edges (written by the author). */
  explicitNeeds(step: Step): readonly string[];
  /** Ids of the branches nested in a parallel step, at any depth. */
  nested(id: string): readonly string[];
}

const cache = new WeakMap<Pick<WorkflowDefinition, 'steps'>, StepGraph>();

export function stepGraph(definition: Pick<WorkflowDefinition, 'steps'>): StepGraph {
  let graph = cache.get(definition);
  if (graph === undefined) {
    graph = buildGraph(definition);
    cache.set(definition, graph);
  }
  return graph;
}

function buildGraph(definition: Pick<WorkflowDefinition, 'steps'>): StepGraph {
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

  const topOf = (id: string): string => {
    let current = id;
    for (let parent = parents.get(current); parent !== undefined; parent = parents.get(current))
      current = parent;
    return current;
  };
  const upstreamMemo = new Map<string, ReadonlySet<string>>();
  const upstreamOf = (id: string, guard: Set<string>): ReadonlySet<string> => {
    const known = upstreamMemo.get(id);
    if (known !== undefined) return known;
    const out = new Set<string>();
    const step = byId.get(id);
    if (step === undefined || guard.has(id)) return out;
    guard.add(id);
    for (const need of step.needs) {
      if (!byId.has(need) || parents.has(need)) continue;
      out.add(need);
      for (const branch of nestedIds.get(need) ?? []) out.add(branch);
      for (const earlier of upstreamOf(need, guard)) out.add(earlier);
    }
    guard.delete(id);
    upstreamMemo.set(id, out);
    return out;
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
    upstream: (id) => upstreamOf(topOf(id), new Set()),
    topOf,
    explicitNeeds,
    nested: (id) => nestedIds.get(id) ?? [],
  };
}
