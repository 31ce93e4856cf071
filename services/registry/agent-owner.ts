import { canonicalOwner, ChainmailError, INSTALLATION_OWNER } from '@chainmail/contracts';
import type { RegisteredAgent } from '@chainmail/catalog';

/** The rights a put or delete names; absent `mayWrite`: a trusted caller (the configuration loader). */
interface AgentWriteRights {
  mayWrite?: string[];
  visibleTo?: string[];
}

/**
 * Whether the caller may change the entry at an address. Agent addresses are one namespace for
 * the installation (workflows name agents by address): an entry of an owner the caller cannot see
 * is "taken" to a put and "not found" to a delete; one it sees without the editor or owner role
 * there is 403. Entries of the installation (configuration) are seen by all, written by admins.
 */
export function checkAgentWrite(
  rights: AgentWriteRights,
  current: RegisteredAgent | undefined,
  address: string,
  change: 'put' | 'delete',
): void {
  if (rights.mayWrite === undefined || current === undefined) return;
  const owner = canonicalOwner(current.owner);
  if (rights.mayWrite.map(canonicalOwner).includes(owner)) return;
  const visible =
    owner === INSTALLATION_OWNER || (rights.visibleTo ?? []).map(canonicalOwner).includes(owner);
  if (visible) {
    throw new ChainmailError(
      'FORBIDDEN',
      owner === INSTALLATION_OWNER
        ? `${address} is an agent of the installation: only admins change it.`
        : `Changing ${address} needs the editor or owner role on ${owner}.`,
      { address, owner, requiredRole: ['owner', 'editor'] },
    );
  }
  if (change === 'delete') {
    throw new ChainmailError('AGENT_NOT_FOUND', `No agent is registered at ${address}.`, { address });
  }
  throw new ChainmailError(
    'CONFLICT',
    `The agent address ${address} is taken in this installation; choose another.`,
    {
      address,
    },
  );
}

/** The owner the entry has after a put: a changed entry keeps its owner, unless a trusted caller names one. */
export function ownerAfterPut(
  rights: AgentWriteRights & { owner: string },
  current: RegisteredAgent | undefined,
): string {
  if (current === undefined || rights.mayWrite === undefined) return rights.owner;
  return current.owner;
}
