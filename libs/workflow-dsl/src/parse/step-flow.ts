import type { CheckpointAction, CheckpointStep, ErrorPolicy, SwitchStep } from '@chainmail/contracts';
import type { ParseContext } from './context';
import { didYouMean } from './issues';
import { childPath, describe } from './reader';
import type { ScalarNode, YNode } from './yaml-tree';

/** A `goto` target, checked once every step id is known. */
export interface GotoUse {
  target: string;
  path: string;
  offset: number;
}

/** `goto x`, `goto: x`, `go to x`, `go to step x` → `x`. */
const GOTO_TEXT = /^go\s*to(?:\s+step)?\s*:?\s*(\S+)$/i;
const ARROW = /^\s*([A-Za-z_-]+)\s*(?:→|->|=>)\s*(.+?)\s*$/;
const ACTION_NAMES = ['approve', 'reject', 'edit'] as const;
type ActionName = (typeof ACTION_NAMES)[number];
const DEFAULT_ACTIONS: CheckpointStep['actions'] = {
  approve: { kind: 'continue' },
  reject: { kind: 'abort' },
  edit: { kind: 'continue' },
};

/** `on_error: abort | skip | continue | {goto: id}` (also `goto id` / `goto: id` as text). */
export function readErrorPolicy(
  ctx: ParseContext,
  node: YNode,
  path: string,
  gotos: GotoUse[],
  inBranch: boolean,
): ErrorPolicy | undefined {
  const target = gotoTarget(ctx, node, path);
  if (target === 'invalid') return undefined;
  if (target !== 'other') {
    if (inBranch) {
      ctx.issues.add(
        'INVALID_VALUE',
        'a parallel branch cannot goto another step on error',
        path,
        node.offset,
        'use abort, skip or continue, or put on_error on the parallel step',
      );
      return undefined;
    }
    gotos.push(target);
    return { kind: 'goto', step: target.target };
  }
  const value = ctx.reader.choice(node, path, 'on_error', ['abort', 'skip', 'continue'] as const);
  return value === undefined ? undefined : { kind: value };
}

/**
 * `actions:` of a checkpoint, as a map (`{approve: continue, edit: {goto: draft}}`) or as the
 * seed's list of arrows (`- edit → go to step draft`, also `->`). Unnamed actions keep their
 * defaults: approve continues, reject aborts, edit continues with the edited output.
 */
export function readActions(
  ctx: ParseContext,
  node: YNode | undefined,
  path: string,
  gotos: GotoUse[],
): CheckpointStep['actions'] | undefined {
  const actions = { ...DEFAULT_ACTIONS };
  if (node === undefined || (node.kind === 'scalar' && node.value === null)) return actions;
  let ok = true;
  const set = (
    name: string,
    nameOffset: number,
    value: YNode | string,
    at: string,
    valueOffset: number,
  ): void => {
    if (!(ACTION_NAMES as readonly string[]).includes(name)) {
      ctx.issues.add(
        'UNKNOWN_KEY',
        `unknown checkpoint action "${name}"`,
        at,
        nameOffset,
        didYouMean(name, ACTION_NAMES) ?? 'actions are approve, reject and edit',
      );
      ok = false;
      return;
    }
    const action = readAction(ctx, value, childPath(path, name), valueOffset, gotos);
    if (action === undefined) ok = false;
    else actions[name as ActionName] = action;
  };
  if (node.kind === 'map') {
    for (const entry of node.entries)
      set(entry.key, entry.keyOffset, entry.value, childPath(path, entry.key), entry.value.offset);
    return ok ? actions : undefined;
  }
  if (node.kind !== 'seq') {
    ctx.issues.add(
      'INVALID_VALUE',
      `actions must be a map or a list of "action → outcome", not ${describe(node)}`,
      path,
      node.offset,
    );
    return undefined;
  }
  node.items.forEach((item, index) => {
    const at = `${path}[${index}]`;
    if (item.kind === 'map' && item.entries.length === 1) {
      const entry = item.entries[0];
      set(entry.key, entry.keyOffset, entry.value, at, entry.value.offset);
      return;
    }
    const arrow = item.kind === 'scalar' && typeof item.value === 'string' ? ARROW.exec(item.value) : null;
    if (arrow === null) {
      ctx.issues.add(
        'INVALID_VALUE',
        `cannot read the action ${describe(item)}`,
        at,
        item.offset,
        'write "approve → continue", "reject → abort" or "edit → go to step draft"',
      );
      ok = false;
      return;
    }
    set(arrow[1], item.offset, arrow[2], at, item.offset);
  });
  return ok ? actions : undefined;
}

function readAction(
  ctx: ParseContext,
  value: YNode | string,
  path: string,
  offset: number,
  gotos: GotoUse[],
): CheckpointAction | undefined {
  const hint = 'one of: continue, abort, {goto: <step id>} (or "go to step <id>")';
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === 'continue' || text === 'abort') return { kind: text };
    const match = GOTO_TEXT.exec(text);
    if (match !== null) {
      gotos.push({ target: match[1], path, offset });
      return { kind: 'goto', step: match[1] };
    }
    ctx.issues.add('INVALID_VALUE', `cannot read the outcome "${text}"`, path, offset, hint);
    return undefined;
  }
  const target = gotoTarget(ctx, value, path);
  if (target === 'invalid') return undefined;
  if (target !== 'other') {
    gotos.push(target);
    return { kind: 'goto', step: target.target };
  }
  const choice = ctx.reader.choice(value, path, 'action outcome', ['continue', 'abort'] as const);
  return choice === undefined ? undefined : { kind: choice };
}

/**
 * The goto of `{goto: id}` or of `goto id` text. 'other' when the node is not a goto (the caller
 * reads it as a plain choice); 'invalid' when it is a goto map with a problem, already reported.
 */
function gotoTarget(ctx: ParseContext, node: YNode, path: string): GotoUse | 'other' | 'invalid' {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const match = GOTO_TEXT.exec(node.value.trim());
    return match === null ? 'other' : { target: match[1], path, offset: node.offset };
  }
  if (node.kind !== 'map') return 'other';
  const fields = ctx.reader.fields(node, path, ['goto'], 'a goto');
  const entry = ctx.reader.required(fields, 'goto', node, path, 'a goto', 'e.g. {goto: draft}');
  if (entry === undefined) return 'invalid';
  const at = childPath(path, 'goto');
  const target = ctx.reader.string(entry.value, at, 'goto');
  return target === undefined ? 'invalid' : { target, path: at, offset: entry.value.offset };
}

/** `switch:` — a list of `{when, goto}` and at most one `{default: true, goto}`. */
export function readCases(
  ctx: ParseContext,
  node: YNode,
  path: string,
  gotos: GotoUse[],
  template: (text: string, node: ScalarNode, path: string) => void,
): SwitchStep['cases'] | undefined {
  const list = ctx.reader.seq(node, path, 'switch');
  if (list === undefined) return undefined;
  if (list.items.length === 0) {
    ctx.issues.add('INVALID_VALUE', 'a switch needs at least one case', path, node.offset);
    return undefined;
  }
  const cases: SwitchStep['cases'] = [];
  let ok = true;
  let defaults = 0;
  list.items.forEach((item, index) => {
    const at = `${path}[${index}]`;
    const map = ctx.reader.map(item, at, 'a switch case');
    if (map === undefined) return void (ok = false);
    const fields = ctx.reader.fields(map, at, ['when', 'default', 'goto'], 'a switch case');
    const when = fields.get('when');
    const isDefault = fields.get('default');
    const gotoEntry = ctx.reader.required(
      fields,
      'goto',
      map,
      at,
      'a switch case',
      'the step to continue at',
    );
    if ((when === undefined) === (isDefault === undefined)) {
      ctx.issues.add('INVALID_VALUE', 'a switch case has either "when" or "default: true"', at, map.offset);
      return void (ok = false);
    }
    const target =
      gotoEntry === undefined ? undefined : ctx.reader.string(gotoEntry.value, childPath(at, 'goto'), 'goto');
    if (target !== undefined && gotoEntry !== undefined)
      gotos.push({ target, path: childPath(at, 'goto'), offset: gotoEntry.value.offset });
    if (isDefault !== undefined) {
      const flag = ctx.reader.boolean(isDefault.value, childPath(at, 'default'), 'default');
      if (flag === false)
        ctx.issues.add(
          'INVALID_VALUE',
          'write "default: true", or give the case a "when"',
          childPath(at, 'default'),
          isDefault.value.offset,
        );
      if (++defaults > 1)
        ctx.issues.add('INVALID_VALUE', 'a switch has at most one default case', at, map.offset);
      if (target === undefined || flag !== true || defaults > 1) return void (ok = false);
      cases.push({ isDefault: true, goto: target });
      return;
    }
    const whenNode = (when as NonNullable<typeof when>).value;
    const text = ctx.reader.text(whenNode, childPath(at, 'when'), 'when');
    if (text !== undefined && whenNode.kind === 'scalar') template(text, whenNode, childPath(at, 'when'));
    if (text === undefined || target === undefined) return void (ok = false);
    cases.push({ when: text, isDefault: false, goto: target });
  });
  return ok ? cases : undefined;
}
