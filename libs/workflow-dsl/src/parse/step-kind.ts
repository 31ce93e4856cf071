import type { ParseContext } from './context';
import { childPath } from './reader';
import type { MapEntry, MapNode } from './yaml-tree';

export const STEP_KINDS = ['agent', 'checkpoint', 'parallel', 'foreach', 'switch', 'workflow'] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** A step is `foreach` when it has that key (its `agent`/`workflow` is the body), else the one kind key it has. */
export function stepKindOf(ctx: ParseContext, map: MapNode, path: string): StepKind | undefined {
  const has = (key: string): MapEntry | undefined => map.entries.find((entry) => entry.key === key);
  const typeEntry = has('type');
  const declared =
    typeEntry === undefined
      ? undefined
      : ctx.reader.choice(typeEntry.value, childPath(path, 'type'), 'step type', STEP_KINDS);
  if (typeEntry !== undefined && declared === undefined) return undefined;
  if (has('foreach') !== undefined) return agree(ctx, 'foreach', declared, typeEntry, path);
  const present = (['agent', 'parallel', 'switch', 'workflow'] as const).filter(
    (key) => has(key) !== undefined,
  );
  if (declared === 'checkpoint') {
    if (present.length > 0) {
      const extra = has(present[0]) as MapEntry;
      ctx.issues.add(
        'INVALID_VALUE',
        `a checkpoint step cannot also have "${present[0]}"`,
        childPath(path, present[0]),
        extra.keyOffset,
        'a step does exactly one thing',
      );
      return undefined;
    }
    return 'checkpoint';
  }
  if (present.length === 0) {
    const wanted =
      declared === undefined
        ? 'one of agent, type: checkpoint, parallel, foreach, switch, workflow'
        : `"${declared}"`;
    ctx.issues.add(
      'MISSING_KEY',
      `a step needs ${wanted}`,
      path,
      map.offset,
      'say what the step does, e.g. agent: research@',
    );
    return undefined;
  }
  if (present.length > 1) {
    const extra = has(present[1]) as MapEntry;
    ctx.issues.add(
      'INVALID_VALUE',
      `a step has exactly one of agent, parallel, switch, workflow; this one has "${present[0]}" and "${present[1]}"`,
      childPath(path, present[1]),
      extra.keyOffset,
      'split it into two steps',
    );
    return undefined;
  }
  return agree(ctx, present[0], declared, typeEntry, path);
}

function agree(
  ctx: ParseContext,
  kind: StepKind,
  declared: StepKind | undefined,
  typeEntry: MapEntry | undefined,
  path: string,
): StepKind | undefined {
  if (declared === undefined || declared === kind) return kind;
  ctx.issues.add(
    'INVALID_VALUE',
    `type "${declared}" does not match a step with "${kind}"`,
    childPath(path, 'type'),
    (typeEntry as MapEntry).value.offset,
    `write type: ${kind} or remove type`,
  );
  return undefined;
}
