import { LineCounter, parseDocument } from 'yaml';
import type { Step, ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';

/** A `workflow:` reference of a definition and where it is written (`steps[2].workflow`). */
interface WorkflowCall {
  workflow: string;
  path: (string | number)[];
}

/**
 * Refuses a definition whose `workflow:` steps lead back to itself through the active versions
 * of the catalog (a → b → a), with the line and column of the step that closes the cycle. A
 * cycle made later by a rollback is still bounded at run time by the nesting limit.
 */
export function workflowCycleIssue(
  definition: WorkflowDefinition,
  source: string,
  active: (name: string) => WorkflowDefinition | undefined,
): ValidationIssue | undefined {
  for (const call of callsOf(definition.steps, ['steps'])) {
    const chain = pathBack(call.workflow, definition.name, active, new Set());
    if (chain === undefined) continue;
    const cycle = [definition.name, ...chain].join(' → ');
    return {
      code: 'CYCLE',
      message: `workflows call each other in a cycle: ${cycle}`,
      path: call.path
        .map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`))
        .join(''),
      ...position(source, call.path),
      hint: 'a workflow may not run itself, directly or through the workflows it runs',
    };
  }
  return undefined;
}

/** The chain of workflow names from `from` to `target` through active versions, if there is one. */
function pathBack(
  from: string,
  target: string,
  active: (name: string) => WorkflowDefinition | undefined,
  seen: Set<string>,
): string[] | undefined {
  if (from === target) return [from];
  if (seen.has(from)) return undefined;
  seen.add(from);
  const definition = active(from);
  if (definition === undefined) return undefined;
  for (const call of callsOf(definition.steps, ['steps'])) {
    const rest = pathBack(call.workflow, target, active, seen);
    if (rest !== undefined) return [from, ...rest];
  }
  return undefined;
}

function callsOf(steps: readonly Step[], at: (string | number)[]): WorkflowCall[] {
  return steps.flatMap((step, index): WorkflowCall[] => {
    const path = [...at, index];
    if (step.kind === 'workflow') return [{ workflow: step.workflow, path: [...path, 'workflow'] }];
    if (step.kind === 'foreach' && step.body.kind === 'workflow') {
      return [{ workflow: step.body.workflow, path: [...path, 'workflow'] }];
    }
    if (step.kind === 'parallel') return callsOf(step.branches, [...path, 'parallel']);
    return [];
  });
}

/** Line and column of the value at `path` in the source (YAML, or JSON read as YAML). */
function position(source: string, path: (string | number)[]): { line?: number; column?: number } {
  try {
    const lineCounter = new LineCounter();
    const document = parseDocument(source, { lineCounter });
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    if (node?.range === undefined) return {};
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, column: col };
  } catch {
    return {};
  }
}
