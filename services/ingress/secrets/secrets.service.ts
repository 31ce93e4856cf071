import { ChainmailError, type Actor } from '@chainmail/contracts';
import { checkName, type SecretInfo, type SecretStore } from '@chainmail/secrets';
import type { DataSource } from 'typeorm';
import type { AuditRecorder } from '../identity/audit.recorder';
import { ownerFor, ownersVisibleTo } from '../ownership/owner-access';

/**
 * Secrets over the API: written by who may publish for the owner (the caller, or an editor of
 * `?team=`), listed by who may read, never shown. Writes and deletions are audited by name.
 */
export class SecretsService {
  constructor(
    private readonly store: SecretStore,
    private readonly db: DataSource,
    private readonly audit: AuditRecorder,
  ) {}

  async put(actor: Actor, name: string, team: string | undefined, value: string): Promise<SecretInfo> {
    checkName(name, 'secret');
    const owner = ownerFor(actor, team, 'publish');
    return this.db.transaction(async (tx) => {
      const info = await this.store.put(owner, name, value, actor.userId, tx);
      await this.audit.record(actor, 'secret.written', targetOf(owner, name), {
        owner,
        name,
        version: info.version,
      });
      return info;
    });
  }

  async list(actor: Actor, team: string | undefined): Promise<SecretInfo[]> {
    const owners =
      team === undefined || team === '' ? ownersVisibleTo(actor) : [ownerFor(actor, team, 'read')];
    return this.store.list(owners);
  }

  async get(actor: Actor, name: string, team: string | undefined): Promise<SecretInfo> {
    const owner = ownerFor(actor, team, 'read');
    const info = await this.store.info(owner, name);
    if (info === undefined) throw notFound(name, owner);
    return info;
  }

  async delete(actor: Actor, name: string, team: string | undefined): Promise<SecretInfo> {
    const owner = ownerFor(actor, team, 'publish');
    return this.db.transaction(async (tx) => {
      const deleted = await this.store.delete(owner, name, tx);
      if (deleted === undefined) throw notFound(name, owner);
      await this.audit.record(actor, 'secret.deleted', targetOf(owner, name), { owner, name });
      return deleted;
    });
  }
}

const targetOf = (owner: string, name: string): { kind: string; id: string } => ({
  kind: 'secret',
  id: `${owner}/${name}`,
});

function notFound(name: string, owner: string): ChainmailError {
  return new ChainmailError('SECRET_NOT_FOUND', `${owner} has no secret named "${name}".`, { name, owner });
}
