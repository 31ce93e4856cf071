import { ChainmailError } from '@chainmail/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { open, seal, secretAad, SecretUnreadable, type SealedValue } from './envelope';
import { MASTER_KEY_SETTINGS, type MasterKey } from './master-key';
import { checkName } from './names';
import { MIN_SECRET_LENGTH } from './redaction';

/** What anyone may see of a secret: never its value. */
export interface SecretInfo {
  owner: string;
  name: string;
  /** 1 at the first write, +1 at each rotation. */
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** The longest value accepted (a PEM bundle fits; a file of data does not belong here). */
export const MAX_SECRET_BYTES = 64 * 1024;

type Queryable = Pick<EntityManager, 'query'>;
type Row = Record<string, unknown>;

/**
 * Secrets per owner (`user:<id>`, `team:<id>`), sealed with a data key per write under the master
 * key. Without a master key the store still lists and deletes, but refuses to write or reveal,
 * naming the settings that give it one.
 */
export class SecretStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly master: MasterKey | undefined,
  ) {}

  get unlocked(): boolean {
    return this.master !== undefined;
  }

  /** Writes (or rotates) a value; the next use reads the new one. */
  async put(
    owner: string,
    name: string,
    value: string,
    by: string,
    db: Queryable = this.dataSource,
  ): Promise<SecretInfo> {
    checkName(name, 'secret');
    if (value.length < MIN_SECRET_LENGTH)
      throw new ChainmailError(
        'BAD_REQUEST',
        `A secret's value has at least ${MIN_SECRET_LENGTH} characters (shorter ones could not be masked in outputs and errors).`,
      );
    if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES)
      throw new ChainmailError(
        'PAYLOAD_TOO_LARGE',
        `A secret's value has at most ${MAX_SECRET_BYTES} bytes.`,
      );
    const sealed = seal(this.key('store'), secretAad(owner, name), value);
    const rows: Row[] = await db.query(
      `INSERT INTO secrets (owner, name, version, ciphertext, iv, tag, wrapped_key, key_id, created_by, updated_by)
       VALUES ($1, $2, 1, $3, $4, $5, $6, $7, $8, $8)
       ON CONFLICT (owner, name) DO UPDATE SET
         version = secrets.version + 1, ciphertext = EXCLUDED.ciphertext, iv = EXCLUDED.iv,
         tag = EXCLUDED.tag, wrapped_key = EXCLUDED.wrapped_key, key_id = EXCLUDED.key_id,
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING ${INFO_COLUMNS}`,
      [owner, name, sealed.ciphertext, sealed.iv, sealed.tag, sealed.wrappedKey, sealed.keyId, by],
    );
    return toInfo(rows[0] ?? {});
  }

  /** Secrets of these owners, by owner then name. */
  async list(owners: readonly string[]): Promise<SecretInfo[]> {
    if (owners.length === 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${INFO_COLUMNS} FROM secrets WHERE owner = ANY($1) ORDER BY owner, name`,
      [owners],
    );
    return rows.map(toInfo);
  }

  async info(owner: string, name: string): Promise<SecretInfo | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT ${INFO_COLUMNS} FROM secrets WHERE owner = $1 AND name = $2`,
      [owner, name],
    );
    return rows[0] === undefined ? undefined : toInfo(rows[0]);
  }

  /** The names an owner has, for checks that need no value (publishing a definition). */
  async namesOf(owner: string): Promise<Set<string>> {
    const rows: Row[] = await this.dataSource.query(`SELECT name FROM secrets WHERE owner = $1`, [owner]);
    return new Set(rows.map((r) => String(r.name)));
  }

  async delete(
    owner: string,
    name: string,
    db: Queryable = this.dataSource,
  ): Promise<SecretInfo | undefined> {
    const rows: Row[] = await db.query(
      `DELETE FROM secrets WHERE owner = $1 AND name = $2 RETURNING ${INFO_COLUMNS}`,
      [owner, name],
    );
    // pg answers [rows, count] for DELETE … RETURNING through TypeORM.
    const deleted = Array.isArray(rows[0]) ? (rows[0] as Row[])[0] : rows[0];
    return deleted === undefined ? undefined : toInfo(deleted);
  }

  /**
   * The values of an owner's secrets (`names` given: only those; absent ones are simply not in
   * the answer). For use at the moment of use only: callers keep them no longer than the call.
   */
  async reveal(owner: string, names?: readonly string[]): Promise<Map<string, string>> {
    const rows: Row[] =
      names === undefined
        ? await this.dataSource.query(`SELECT * FROM secrets WHERE owner = $1`, [owner])
        : names.length === 0
          ? []
          : await this.dataSource.query(`SELECT * FROM secrets WHERE owner = $1 AND name = ANY($2)`, [
              owner,
              [...names],
            ]);
    const values = new Map<string, string>();
    if (rows.length === 0) return values;
    const master = this.key('read');
    for (const row of rows) {
      const name = String(row.name);
      const sealed: SealedValue = {
        ciphertext: row.ciphertext as Buffer,
        iv: row.iv as Buffer,
        tag: row.tag as Buffer,
        wrappedKey: row.wrapped_key as Buffer,
        keyId: String(row.key_id),
      };
      try {
        values.set(name, open(master, secretAad(owner, name), sealed));
      } catch (err) {
        if (!(err instanceof SecretUnreadable)) throw err;
        throw new SecretsUnavailable(`secret ${name} of ${owner} cannot be read: ${err.message}`);
      }
    }
    return values;
  }

  private key(purpose: 'store' | 'read'): MasterKey {
    if (this.master !== undefined) return this.master;
    throw new SecretsUnavailable(
      `secrets cannot be ${purpose === 'store' ? 'stored' : 'read'}: this server has no master key; set ${MASTER_KEY_SETTINGS} (32 random bytes, base64) on every Chainmail process`,
    );
  }
}

/** No master key, or a row the key does not open: 503 at the API, a permanent step failure in a run. */
export class SecretsUnavailable extends ChainmailError {
  constructor(message: string) {
    super('UNAVAILABLE', message);
  }
}

const INFO_COLUMNS = 'owner, name, version, created_at, created_by, updated_at, updated_by';

function toInfo(row: Row): SecretInfo {
  return {
    owner: String(row.owner),
    name: String(row.name),
    version: Number(row.version),
    createdAt: new Date(row.created_at as string).toISOString(),
    createdBy: String(row.created_by),
    updatedAt: new Date(row.updated_at as string).toISOString(),
    updatedBy: String(row.updated_by),
  };
}
