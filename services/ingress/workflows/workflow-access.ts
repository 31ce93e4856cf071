import { ChainmailError, type Actor, type OwnerAction } from '@chainmail/contracts';
import type { DefinitionCatalog, WorkflowEntry } from '@chainmail/catalog';
import { requireOwnerAccess } from '../ownership/owner-access';

/** The workflow, when the caller sees it and its role allows `action`: else 404 (unseen) or 403. */
export function workflowFor(
  catalog: DefinitionCatalog,
  actor: Actor,
  name: string,
  action: OwnerAction,
): WorkflowEntry {
  const entry = catalog.get(name);
  if (!entry) throw workflowNotFound(name);
  requireOwnerAccess(actor, entry.owner, action, () => workflowNotFound(name));
  return entry;
}

export function workflowNotFound(name: string): ChainmailError {
  return new ChainmailError('WORKFLOW_NOT_FOUND', `No workflow is named "${name}".`, { name });
}
