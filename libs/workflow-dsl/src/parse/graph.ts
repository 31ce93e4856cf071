import { stepGraph } from '../step-graph';
import type { ParseContext } from './context';
import { didYouMean } from './issues';
import type { StepRecord, StepTable } from './step-table';

/**
 * Checks the step graph — `needs` and `goto` targets exist and are top-level steps, `needs` has
 * no cycle, a workflow does not run itself — and returns, for each step, the steps guaranteed to
 * have finished before it starts (its ancestors through `needs`, with the branches of a needed
 * parallel step). `goto` loops are allowed: each step's `maxVisits` bounds them.
 */
export function checkGraph(
  ctx: ParseContext,
  table: StepTable,
  workflowName: string | undefined,
): Map<string, ReadonlySet<string>> {
  const { records } = table;
  const topLevelIds = table.steps.map((step) => step.id);
  for (const record of records.values()) {
    if (record.needs === undefined) continue;
    for (const target of record.needs.targets) {
      const path = `${record.path}.needs`;
      if (target.id === record.step.id) {
        ctx.issues.add(
          'CYCLE',
          `step "${target.id}" needs itself`,
          path,
          target.offset,
          'remove it from its own needs',
        );
      } else checkTarget(ctx, table, topLevelIds, target.id, path, target.offset, 'needs');
    }
  }
  for (const use of table.gotos)
    checkTarget(ctx, table, topLevelIds, use.target, use.path, use.offset, 'goto');
  for (const call of table.workflowCalls) {
    if (call.name === workflowName) {
      ctx.issues.add(
        'CYCLE',
        `workflow "${call.name}" runs itself`,
        call.path,
        call.offset,
        'a workflow step must run another workflow',
      );
    }
  }
  const cyclic = findCycles(ctx, table);
  return ancestorsOf(table, cyclic);
}

function checkTarget(
  ctx: ParseContext,
  table: StepTable,
  topLevelIds: string[],
  target: string,
  path: string,
  offset: number,
  what: 'needs' | 'goto',
): void {
  const { records } = table;
  const record = records.get(target);
  if (record === undefined && table.declared.has(target)) return;
  if (record === undefined) {
    const hint = didYouMean(target, records.keys()) ?? `steps are: ${topLevelIds.join(', ')}`;
    ctx.issues.add('UNKNOWN_STEP', `${what} names "${target}", which is not a step`, path, offset, hint);
  } else if (!record.topLevel) {
    const parent = topParent(records, record);
    ctx.issues.add(
      'INVALID_VALUE',
      `${what} names "${target}", a branch of parallel step "${parent}"`,
      path,
      offset,
      `use "${parent}" instead`,
    );
  }
}

/** Reports each `needs` cycle once, at the `needs` that closes it; returns the steps on cycles. */
function findCycles(ctx: ParseContext, table: StepTable): Set<string> {
  const state = new Map<string, 'visiting' | 'done'>();
  const onCycle = new Set<string>();
  const stack: string[] = [];
  const visit = (id: string): void => {
    state.set(id, 'visiting');
    stack.push(id);
    const record = table.records.get(id);
    for (const need of record?.step.needs ?? []) {
      const target = table.records.get(need);
      if (target === undefined || !target.topLevel) continue;
      const seen = state.get(need);
      if (seen === 'visiting') {
        if (need === id) continue;
        const cycle = stack.slice(stack.indexOf(need));
        cycle.forEach((member) => onCycle.add(member));
        reportCycle(ctx, table, cycle);
      } else if (seen === undefined) visit(need);
    }
    stack.pop();
    state.set(id, 'done');
  };
  for (const step of table.steps) if (!state.has(step.id)) visit(step.id);
  for (const record of table.records.values())
    if (record.step.needs.includes(record.step.id)) onCycle.add(record.step.id);
  return onCycle;
}

/** Reports a cycle at the first written `needs` on it (defaulted needs have no place in the text). */
function reportCycle(ctx: ParseContext, table: StepTable, cycle: string[]): void {
  const path = [...cycle, cycle[0]].join(' → ');
  let at = table.records.get(cycle[cycle.length - 1]) as StepRecord;
  let offset = at.idOffset;
  for (let i = 0; i < cycle.length; i++) {
    const record = table.records.get(cycle[i]);
    const target = record?.needs?.targets.find((t) => t.id === cycle[(i + 1) % cycle.length]);
    if (record !== undefined && target !== undefined) {
      at = record;
      offset = target.offset;
      break;
    }
  }
  ctx.issues.add(
    'CYCLE',
    `needs form a cycle: ${path}`,
    `${at.path}.needs`,
    offset,
    'a step can only need steps that do not (indirectly) need it',
  );
}

function ancestorsOf(table: StepTable, cyclic: Set<string>): Map<string, ReadonlySet<string>> {
  // The definition's own step graph, with the needs of steps on a cycle cut (reported already).
  const steps = table.steps.map((step) => (cyclic.has(step.id) ? { ...step, needs: [] } : step));
  const graph = stepGraph({ steps });
  const result = new Map<string, ReadonlySet<string>>();
  for (const record of table.records.values()) {
    // A branch has finished nothing of its own; it sees what its top-level parallel step sees.
    const top = record.topLevel ? record.step.id : topParent(table.records, record);
    result.set(record.step.id, graph.upstream(top));
  }
  return result;
}

function topParent(records: Map<string, StepRecord>, record: StepRecord): string {
  let current = record;
  while (current.parent !== undefined) {
    const parent = records.get(current.parent);
    if (parent === undefined) break;
    current = parent;
  }
  return current.step.id;
}
