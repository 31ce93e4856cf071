import { ChainmailError, type Actor } from '@chainmail/contracts';
import { checkName, type VariableInfo, type VariableStore, type VariableVersion } from '@chainmail/secrets';
import type { DataSource } from 'typeorm';
import type { AuditRecorder } from '../identity/audit.recorder';
import { ownerFor, ownersVisibleTo } from '../ownership/owner-access';
import type { VariableChanges } from './variable-changes';

/** Variables over the API: visible to who may read the owner's objects, set by who may publish. */
export class VariablesService {
  constructor(
    private readonly store: VariableStore,
    private readonly db: DataSource,
    private readonly audit: AuditRecorder,
    private readonly changes: Pick<VariableChanges, 'announce'>,
  ) {}

  async put(actor: Actor, name: string, team: string | undefined, value: unknown): Promise<VariableInfo> {
    checkName(name, 'variable');
    const owner = ownerFor(actor, team, 'publish');
    const written = await this.db.transaction(async (tx) => {
      const info = await this.store.put(owner, name, value, actor.userId, tx);
      await this.audit.record(actor, 'variable.written', targetOf(owner, name), {
        owner,
        name,
        version: info.version,
      });
      return info;
    });
    await this.changes.announce();
    return written;
  }

  async list(actor: Actor, team: string | undefined): Promise<VariableInfo[]> {
    const owners =
      team === undefined || team === '' ? ownersVisibleTo(actor) : [ownerFor(actor, team, 'read')];
    return this.store.list(owners);
  }

  async get(
    actor: Actor,
    name: string,
    team: string | undefined,
  ): Promise<{ variable: VariableInfo; versions: VariableVersion[] }> {
    const owner = ownerFor(actor, team, 'read');
    const variable = await this.store.current(owner, name);
    if (variable === undefined) throw notFound(name, owner);
    return { variable, versions: await this.store.history(owner, name) };
  }

  async delete(actor: Actor, name: string, team: string | undefined): Promise<VariableVersion> {
    const owner = ownerFor(actor, team, 'publish');
    const deletion = await this.db.transaction(async (tx) => {
      const deleted = await this.store.delete(owner, name, actor.userId, tx);
      if (deleted === undefined) throw notFound(name, owner);
      await this.audit.record(actor, 'variable.deleted', targetOf(owner, name), {
        owner,
        name,
        version: deleted.version,
      });
      return deleted;
    });
    await this.changes.announce();
    return deletion;
  }
}

const targetOf = (owner: string, name: string): { kind: string; id: string } => ({
  kind: 'variable',
  id: `${owner}/${name}`,
});

function notFound(name: string, owner: string): ChainmailError {
  return new ChainmailError('VARIABLE_NOT_FOUND', `${owner} has no variable named "${name}".`, {
    name,
    owner,
  });
}
