import { canonicalOwner, ChainmailError, type PublishWorkflowRequest } from '@chainmail/contracts';
import type { WorkflowEntry } from '@chainmail/catalog';

/**
 * The owner a published version gets. Workflow names are unique in the installation (triggers,
 * sub-workflow steps and run listings name workflows by name): a new name takes the requested
 * owner; a later version keeps its workflow's owner, and only its editors and owners may publish
 * it. A name of another owner the publisher cannot see is "taken" (409), never described.
 */
export function ownerOfPublish(request: PublishWorkflowRequest, entry: WorkflowEntry | undefined): string {
  if (entry === undefined) return request.owner;
  // Trusted callers (the examples loader) name no rights.
  if (request.publishFor === undefined) return entry.owner;
  const current = canonicalOwner(entry.owner);
  const may = request.publishFor.map(canonicalOwner).includes(current);
  if (may) {
    const requested = canonicalOwner(request.owner);
    if (requested !== current && requested.startsWith('team:')) {
      throw new ChainmailError(
        'CONFLICT',
        `Workflow "${entry.name}" belongs to ${current}; its versions keep that owner. Publish it without another team.`,
        { name: entry.name, owner: current },
      );
    }
    return entry.owner;
  }
  if ((request.visibleTo ?? []).map(canonicalOwner).includes(current)) {
    throw new ChainmailError(
      'FORBIDDEN',
      `Publishing a version of "${entry.name}" needs the editor or owner role on ${current}.`,
      { name: entry.name, owner: current, action: 'publish', requiredRole: ['owner', 'editor'] },
    );
  }
  throw new ChainmailError(
    'CONFLICT',
    `The workflow name "${entry.name}" is taken in this installation; choose another name.`,
    { name: entry.name },
  );
}
