import { ChainmailError } from '@chainmail/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { checkName } from './names';

/** A variable as it is now, or one of its versions. */
export interface VariableVersion {
  version: number;
  /** Absent on a deletion. */
  value?: unknown;
  deleted: boolean;
  at: string;
  by: string;
}

export interface VariableInfo {
  owner: string;
  name: string;
  value: unknown;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** A variable's value is small JSON (text, number, boolean, list, map); large data belongs in inputs. */
export const MAX_VARIABLE_BYTES = 64 * 1024;

type Queryable = Pick<EntityManager, 'query'>;
type Row = Record<string, unknown>;

/**
 * Variables per owner, versioned: each write is a new row (1, 2, 3…), a deletion too (a version
 * without a value), so the history of who set what when stays readable.
 */
export class VariableStore {
  constructor(private readonly dataSource: DataSource) {}

  async put(
    owner: string,
    name: string,
    value: unknown,
    by: string,
    db: Queryable = this.dataSource,
  ): Promise<VariableInfo> {
    checkName(name, 'variable');
    if (value === undefined || value === null)
      throw new ChainmailError(
        'BAD_REQUEST',
        'A variable needs a value: {"value": …} (text, number, boolean, list or map).',
      );
    const json = JSON.stringify(value);
    if (Buffer.byteLength(json, 'utf8') > MAX_VARIABLE_BYTES)
      throw new ChainmailError(
        'PAYLOAD_TOO_LARGE',
        `A variable's value has at most ${MAX_VARIABLE_BYTES} bytes of JSON.`,
      );
    const rows = await nextVersion(() =>
      db.query(
        `INSERT INTO variables (owner, name, version, value, created_by)
         SELECT $1, $2, COALESCE(MAX(version), 0) + 1, $3::jsonb, $4 FROM variables WHERE owner = $1 AND name = $2
         RETURNING *`,
        [owner, name, json, by],
      ),
    );
    return toInfo(rows[0] ?? {});
  }

  /** A deletion is recorded as a version; undefined when there was nothing to delete. */
  async delete(
    owner: string,
    name: string,
    by: string,
    db: Queryable = this.dataSource,
  ): Promise<VariableVersion | undefined> {
    const rows = await nextVersion(async () => {
      const current = await this.current(owner, name, db);
      if (current === undefined) return [];
      return db.query(
        `INSERT INTO variables (owner, name, version, value, deleted, created_by) VALUES ($1, $2, $3, NULL, true, $4) RETURNING *`,
        [owner, name, current.version + 1, by],
      );
    });
    return rows[0] === undefined ? undefined : toVersion(rows[0]);
  }

  /** The current value of each variable of these owners (deleted ones left out). */
  async list(owners: readonly string[]): Promise<VariableInfo[]> {
    if (owners.length === 0) return [];
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM (
         SELECT DISTINCT ON (owner, name) * FROM variables WHERE owner = ANY($1)
         ORDER BY owner, name, version DESC
       ) latest WHERE NOT deleted ORDER BY owner, name`,
      [owners],
    );
    return rows.map(toInfo);
  }

  async current(
    owner: string,
    name: string,
    db: Queryable = this.dataSource,
  ): Promise<VariableInfo | undefined> {
    const rows: Row[] = await db.query(
      `SELECT * FROM variables WHERE owner = $1 AND name = $2 ORDER BY version DESC LIMIT 1`,
      [owner, name],
    );
    const row = rows[0];
    return row === undefined || row.deleted === true ? undefined : toInfo(row);
  }

  /** Every version, newest first. */
  async history(owner: string, name: string): Promise<VariableVersion[]> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT * FROM variables WHERE owner = $1 AND name = $2 ORDER BY version DESC`,
      [owner, name],
    );
    return rows.map(toVersion);
  }

  /** What `{{vars.NAME}}` reads for a run of this owner (before the definition's own `vars`). */
  async valuesOf(owner: string): Promise<Record<string, unknown>> {
    const values: Record<string, unknown> = {};
    for (const v of await this.list([owner])) values[v.name] = v.value;
    return values;
  }
}

/** Two writers may number the same version; the second finds the key taken and numbers again. */
async function nextVersion(insert: () => Promise<Row[]>): Promise<Row[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await insert();
    } catch (err) {
      if ((err as { code?: unknown }).code !== '23505' || attempt >= 5) throw err;
    }
  }
}

function toInfo(row: Row): VariableInfo {
  return {
    owner: String(row.owner),
    name: String(row.name),
    value: row.value,
    version: Number(row.version),
    updatedAt: new Date(row.created_at as string).toISOString(),
    updatedBy: String(row.created_by),
  };
}

function toVersion(row: Row): VariableVersion {
  const deleted = row.deleted === true;
  return {
    version: Number(row.version),
    ...(deleted ? {} : { value: row.value }),
    deleted,
    at: new Date(row.created_at as string).toISOString(),
    by: String(row.created_by),
  };
}
