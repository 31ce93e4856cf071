import type { CheckpointChannel } from '@chainmail/contracts';
import type { ParseContext } from './context';
import { didYouMean } from './issues';
import type { YNode } from './yaml-tree';

/** A mail address as an approver is written: `jane@acme.example` (no display name, no spaces). */
const MAIL_ADDRESS = /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;]+$/;
/** `team:<id>`: every member of the team. */
const TEAM = /^team:[A-Za-z0-9_-]{1,100}$/;
const CHANNELS: readonly CheckpointChannel[] = ['mail', 'webhook'];

/**
 * `approvers:` of a checkpoint: a list (or one entry) of mail addresses, `owner` (the run's owner)
 * and `team:<id>` (the team's members). An empty list is refused: nobody could decide.
 */
export function readApprovers(ctx: ParseContext, node: YNode, path: string): string[] | undefined {
  const items = node.kind === 'seq' ? node.items : [node];
  if (items.length === 0) {
    ctx.issues.add(
      'INVALID_VALUE',
      'approvers must name at least one approver',
      path,
      node.offset,
      'list mail addresses, owner or team:<id>; leave approvers out for the default (the mail sender, else the owner)',
    );
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  items.forEach((item, index) => {
    const at = node.kind === 'seq' ? `${path}[${index}]` : path;
    const value = ctx.reader.string(item, at, 'an approver');
    if (value === undefined) {
      ok = false;
      return;
    }
    const approver = value.trim();
    if (approver === 'owner' || TEAM.test(approver) || MAIL_ADDRESS.test(approver)) {
      const normal = approver.includes('@') ? approver.toLowerCase() : approver;
      if (!out.includes(normal)) out.push(normal);
      return;
    }
    ok = false;
    ctx.issues.add(
      'INVALID_VALUE',
      `"${approver}" is not an approver`,
      at,
      item.offset,
      'an approver is a mail address (jane@acme.example), owner, or team:<id>',
    );
  });
  return ok ? out : undefined;
}

/** `notify:` of a checkpoint: the channels that tell approvers it waits (`mail`, `webhook`). */
export function readNotify(ctx: ParseContext, node: YNode, path: string): CheckpointChannel[] | undefined {
  const items = node.kind === 'seq' ? node.items : [node];
  const out: CheckpointChannel[] = [];
  let ok = true;
  items.forEach((item, index) => {
    const at = node.kind === 'seq' ? `${path}[${index}]` : path;
    const value = ctx.reader.string(item, at, 'a notify channel');
    if (value === undefined) {
      ok = false;
      return;
    }
    const channel = CHANNELS.find((c) => c === value.trim());
    if (channel === undefined) {
      ok = false;
      ctx.issues.add(
        'INVALID_VALUE',
        `unknown notify channel "${value}"`,
        at,
        item.offset,
        didYouMean(value, CHANNELS) ?? `channels are ${CHANNELS.join(' and ')}`,
      );
      return;
    }
    if (!out.includes(channel)) out.push(channel);
  });
  return ok ? out : undefined;
}
