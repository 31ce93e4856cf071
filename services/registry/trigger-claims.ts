import { canonicalOwner } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { Trigger, ValidationIssue, WorkflowDefinition } from '@chainmail/contracts';
import { positionOf, triggerPath } from './trigger-position';

/**
 * Inbound addresses and webhook paths start the workflows that bind them. One owner binding an
 * address or path another owner's workflow binds would receive that owner's mail (every workflow
 * at an address starts) or break their webhook (a path bound twice starts nothing): refused at
 * publish time, naming neither the other workflow nor its owner.
 */
export function triggerClaimIssues(
  definition: WorkflowDefinition,
  source: string,
  owner: string,
  catalog: Pick<DefinitionCatalog, 'list' | 'active'>,
): ValidationIssue[] {
  const others = catalog
    .list()
    .filter(
      (entry) => entry.name !== definition.name && canonicalOwner(entry.owner) !== canonicalOwner(owner),
    )
    .flatMap((entry) => catalog.active(entry.name)?.definition.triggers ?? []);
  const issues: ValidationIssue[] = [];
  definition.triggers.forEach((trigger, index) => {
    const taken = others.some((other) => sameBinding(trigger, other));
    if (!taken || (trigger.type !== 'email' && trigger.type !== 'webhook')) return;
    const field = trigger.type === 'email' ? 'address' : 'path';
    const at = triggerPath(source, index);
    const written = positionOf(source, [...at.parts, field]);
    issues.push({
      code: 'INVALID_VALUE',
      message:
        trigger.type === 'email'
          ? `the address ${trigger.address} is bound by a workflow of another owner`
          : `the webhook path "${trigger.path}" is bound by a workflow of another owner`,
      path: `${at.text}.${field}`,
      ...(written.line !== undefined ? written : positionOf(source, at.parts)),
      hint: `choose another ${trigger.type === 'email' ? 'address' : 'path'}`,
    });
  });
  return issues;
}

function sameBinding(mine: Trigger, theirs: Trigger): boolean {
  if (mine.type === 'webhook' && theirs.type === 'webhook')
    return normalPath(mine.path) === normalPath(theirs.path);
  if (mine.type !== 'email' || theirs.type !== 'email') return false;
  const a = splitAddress(mine.address);
  const b = splitAddress(theirs.address);
  if (a === undefined || b === undefined || a.local !== b.local) return false;
  // `name@` binds every domain, so it meets any address with that local part.
  return a.domain === '' || b.domain === '' || a.domain === b.domain;
}

const normalPath = (path: string): string => path.replace(/^\/+|\/+$/g, '');

function splitAddress(address: string): { local: string; domain: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at <= 0) return undefined;
  return {
    local: address.slice(0, at).trim().toLowerCase(),
    domain: address
      .slice(at + 1)
      .trim()
      .toLowerCase(),
  };
}
