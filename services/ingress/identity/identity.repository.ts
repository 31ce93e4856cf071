import { randomBytes } from 'node:crypto';
import type { Scope, TeamMembership, TeamRole } from '@chainmail/contracts';
import type { DataSource, EntityManager } from 'typeorm';

export interface UserRecord {
  id: string;
  name: string;
  email: string | null;
  admin: boolean;
  externalId: string | null;
  createdAt: string;
}

export interface TeamRecord {
  id: string;
  name: string;
  externalGroup: string | null;
  createdAt: string;
}

export interface TeamMemberRecord {
  userId: string;
  name: string;
  role: TeamRole;
  since: string;
}

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  createdBy: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

/** A token row with what authenticating it needs: its hash and its user. */
export interface TokenCredential extends TokenRecord {
  secretHash: Buffer;
  userName: string;
  userAdmin: boolean;
}

export const newUserId = (): string => `usr_${randomBytes(8).toString('hex')}`;
export const newTeamId = (): string => `team_${randomBytes(8).toString('hex')}`;
/** The admin created at first start: one fixed id, so replicas starting together create one. */
export const ADMIN_USER_ID = 'usr_admin';

type Queryable = Pick<EntityManager, 'query'>;
type Row = Record<string, unknown>;

/** Users, teams, memberships and API tokens in Postgres. Every method takes an optional transaction. */
export class IdentityRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  // ---- users

  async createUser(
    user: { id: string; name: string; email: string | null; admin: boolean; externalId?: string | null },
    db: Queryable = this.dataSource,
  ): Promise<UserRecord> {
    const rows: Row[] = await db.query(
      `INSERT INTO users (id, name, email, admin, external_id) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [user.id, user.name, user.email, user.admin, user.externalId ?? null],
    );
    return toUser(rows[0]);
  }

  async user(id: string, db: Queryable = this.dataSource): Promise<UserRecord | undefined> {
    const rows: Row[] = await db.query(`SELECT * FROM users WHERE id = $1`, [id]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async userByEmail(email: string): Promise<UserRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM users WHERE lower(email) = lower($1)`, [
      email,
    ]);
    return rows[0] ? toUser(rows[0]) : undefined;
  }

  async users(limit = 500): Promise<UserRecord[]> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM users ORDER BY created_at, id LIMIT $1`, [
      limit,
    ]);
    return rows.map(toUser);
  }

  /** The user of an OpenID Connect identity, created on first sight; name, email and admin follow the token. */
  async upsertExternalUser(user: {
    externalId: string;
    name: string;
    email: string | null;
    admin: boolean;
  }): Promise<UserRecord> {
    const rows: Row[] = await this.dataSource.query(
      `INSERT INTO users (id, name, email, admin, external_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (external_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, admin = EXCLUDED.admin
         WHERE (users.name, users.email, users.admin) IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.email, EXCLUDED.admin)
       RETURNING *`,
      [newUserId(), user.name, user.email, user.admin, user.externalId],
    );
    if (rows[0]) return toUser(rows[0]);
    const found: Row[] = await this.dataSource.query(`SELECT * FROM users WHERE external_id = $1`, [
      user.externalId,
    ]);
    return toUser(found[0]);
  }

  // ---- teams

  async createTeam(
    team: { id: string; name: string; externalGroup?: string | null },
    db: Queryable = this.dataSource,
  ): Promise<TeamRecord> {
    const rows: Row[] = await db.query(
      `INSERT INTO teams (id, name, external_group) VALUES ($1, $2, $3) RETURNING *`,
      [team.id, team.name, team.externalGroup ?? null],
    );
    return toTeam(rows[0]);
  }

  async team(id: string, db: Queryable = this.dataSource): Promise<TeamRecord | undefined> {
    const rows: Row[] = await db.query(`SELECT * FROM teams WHERE id = $1`, [id]);
    return rows[0] ? toTeam(rows[0]) : undefined;
  }

  async teamByName(name: string): Promise<TeamRecord | undefined> {
    const rows: Row[] = await this.dataSource.query(`SELECT * FROM teams WHERE lower(name) = lower($1)`, [
      name,
    ]);
    return rows[0] ? toTeam(rows[0]) : undefined;
  }

  /** Every team, or only those `userId` is a member of. */
  async teams(userId?: string): Promise<TeamRecord[]> {
    const rows: Row[] =
      userId === undefined
        ? await this.dataSource.query(`SELECT * FROM teams ORDER BY lower(name)`)
        : await this.dataSource.query(
            `SELECT t.* FROM teams t JOIN team_members m ON m.team_id = t.id WHERE m.user_id = $1 ORDER BY lower(t.name)`,
            [userId],
          );
    return rows.map(toTeam);
  }

  /** The team of an OpenID Connect group, created on first sight (under another name if a local team has the group's). */
  async teamForGroup(group: string): Promise<TeamRecord> {
    const found: Row[] = await this.dataSource.query(`SELECT * FROM teams WHERE external_group = $1`, [
      group,
    ]);
    if (found[0]) return toTeam(found[0]);
    for (const name of [group, `${group} (sso)`, `${group} (sso ${randomBytes(3).toString('hex')})`]) {
      const rows: Row[] = await this.dataSource.query(
        `INSERT INTO teams (id, name, external_group) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING *`,
        [newTeamId(), name, group],
      );
      if (rows[0]) return toTeam(rows[0]);
      const raced: Row[] = await this.dataSource.query(`SELECT * FROM teams WHERE external_group = $1`, [
        group,
      ]);
      if (raced[0]) return toTeam(raced[0]);
    }
    throw new Error(`Could not create a team for the group ${JSON.stringify(group)}`);
  }

  async members(teamId: string, db: Queryable = this.dataSource): Promise<TeamMemberRecord[]> {
    const rows: Row[] = await db.query(
      `SELECT m.user_id, u.name, m.role, m.created_at FROM team_members m JOIN users u ON u.id = m.user_id
       WHERE m.team_id = $1 ORDER BY m.created_at, m.user_id`,
      [teamId],
    );
    return rows.map((r) => ({
      userId: String(r.user_id),
      name: String(r.name),
      role: r.role as TeamRole,
      since: iso(r.created_at),
    }));
  }

  async membershipsOf(userId: string, db: Queryable = this.dataSource): Promise<TeamMembership[]> {
    const rows: Row[] = await db.query(
      `SELECT team_id, role FROM team_members WHERE user_id = $1 ORDER BY team_id`,
      [userId],
    );
    return rows.map((r) => ({ teamId: String(r.team_id), role: r.role as TeamRole }));
  }

  /** Locks the team's member rows, so two role changes cannot both leave it without an owner. */
  async lockMembers(teamId: string, db: Queryable): Promise<TeamMemberRecord[]> {
    await db.query(`SELECT 1 FROM teams WHERE id = $1 FOR UPDATE`, [teamId]);
    return this.members(teamId, db);
  }

  async setMember(
    teamId: string,
    userId: string,
    role: TeamRole,
    db: Queryable = this.dataSource,
  ): Promise<void> {
    await db.query(
      `INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3)
       ON CONFLICT (team_id, user_id) DO UPDATE SET role = EXCLUDED.role, updated_at = now()`,
      [teamId, userId, role],
    );
  }

  async removeMember(teamId: string, userId: string, db: Queryable = this.dataSource): Promise<boolean> {
    const result = await db.query(
      `DELETE FROM team_members WHERE team_id = $1 AND user_id = $2 RETURNING 1`,
      [teamId, userId],
    );
    return rowsOf(result).length > 0;
  }

  // ---- tokens

  async insertToken(
    token: {
      id: string;
      userId: string;
      name: string;
      secretHash: Buffer;
      scopes: Scope[];
      createdBy: string;
      expiresAt: Date | null;
    },
    db: Queryable = this.dataSource,
  ): Promise<TokenRecord> {
    const rows: Row[] = await db.query(
      `INSERT INTO api_tokens (id, user_id, name, secret_hash, scopes, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
      [token.id, token.userId, token.name, token.secretHash, token.scopes, token.createdBy, token.expiresAt],
    );
    return toToken(rows[0]);
  }

  async credential(tokenId: string): Promise<TokenCredential | undefined> {
    const rows: Row[] = await this.dataSource.query(
      `SELECT t.*, u.name AS user_name, u.admin AS user_admin FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = $1`,
      [tokenId],
    );
    const row = rows[0];
    if (!row) return undefined;
    return {
      ...toToken(row),
      secretHash: row.secret_hash as Buffer,
      userName: String(row.user_name),
      userAdmin: row.user_admin === true,
    };
  }

  async token(id: string, db: Queryable = this.dataSource): Promise<TokenRecord | undefined> {
    const rows: Row[] = await db.query(`SELECT * FROM api_tokens WHERE id = $1`, [id]);
    return rows[0] ? toToken(rows[0]) : undefined;
  }

  /** Newest first: a user's tokens, or everyone's. */
  async tokens(userId?: string, limit = 500): Promise<TokenRecord[]> {
    const rows: Row[] =
      userId === undefined
        ? await this.dataSource.query(`SELECT * FROM api_tokens ORDER BY created_at DESC, id LIMIT $1`, [
            limit,
          ])
        : await this.dataSource.query(
            `SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
            [userId, limit],
          );
    return rows.map(toToken);
  }

  /** Sets `revoked_at` once; a second revocation keeps the first time. */
  async revokeToken(
    id: string,
    db: Queryable = this.dataSource,
  ): Promise<{ token: TokenRecord; revokedNow: boolean }> {
    const rows = rowsOf(
      await db.query(
        `UPDATE api_tokens SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING *`,
        [id],
      ),
    );
    if (rows[0]) return { token: toToken(rows[0]), revokedNow: true };
    const token = await this.token(id, db);
    if (!token) throw new Error(`token ${id} vanished`);
    return { token, revokedNow: false };
  }

  /** At most one write a minute per token, however busy it is. */
  async touchToken(id: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE api_tokens SET last_used_at = now()
       WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [id],
    );
  }

  /** Whether any admin holds a token with the admin scope that still works. */
  async hasActiveAdminToken(db: Queryable = this.dataSource): Promise<boolean> {
    const rows: Row[] = await db.query(
      `SELECT 1 FROM api_tokens t JOIN users u ON u.id = t.user_id
       WHERE u.admin AND 'admin' = ANY (t.scopes) AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
       LIMIT 1`,
    );
    return rows.length > 0;
  }
}

/** TypeORM answers an UPDATE or DELETE with `[rows, count]`, an INSERT or SELECT with the rows. */
function rowsOf(result: unknown): Row[] {
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as Row[];
  }
  return result as Row[];
}

function iso(value: unknown): string {
  return value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
}

function isoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : iso(value);
}

function toUser(row: Row): UserRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    email: (row.email as string | null) ?? null,
    admin: row.admin === true,
    externalId: (row.external_id as string | null) ?? null,
    createdAt: iso(row.created_at),
  };
}

function toTeam(row: Row): TeamRecord {
  return {
    id: String(row.id),
    name: String(row.name),
    externalGroup: (row.external_group as string | null) ?? null,
    createdAt: iso(row.created_at),
  };
}

function toToken(row: Row): TokenRecord {
  return {
    id: String(row.id),
    userId: String(row.user_id),
    name: String(row.name),
    scopes: row.scopes as Scope[],
    createdAt: iso(row.created_at),
    createdBy: String(row.created_by),
    expiresAt: isoOrNull(row.expires_at),
    revokedAt: isoOrNull(row.revoked_at),
    lastUsedAt: isoOrNull(row.last_used_at),
  };
}
