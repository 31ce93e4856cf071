import type { Scope } from '@chainmail/contracts';
import { IsNull, type DataSource, type EntityManager, type Repository } from 'typeorm';
import { ApiToken } from './entities/api-token.entity';
import { User } from './entities/user.entity';
import { tokenRecord, type TokenCredential, type TokenRecord } from './identity.records';

export interface NewToken {
  id: string;
  userId: string;
  name: string;
  secretHash: Buffer;
  scopes: Scope[];
  createdBy: string;
  expiresAt: Date | null;
}

/** The `api_tokens` table. Every method takes an optional transaction (an `EntityManager`). */
export class TokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(tx?: EntityManager): Repository<ApiToken> {
    return (tx ?? this.dataSource.manager).getRepository(ApiToken);
  }

  async insert(token: NewToken, tx?: EntityManager): Promise<TokenRecord> {
    const row = this.rows(tx).create({ ...token, revokedAt: null, lastUsedAt: null });
    await this.rows(tx).insert(row);
    return tokenRecord(row);
  }

  async byId(id: string, tx?: EntityManager): Promise<TokenRecord | undefined> {
    const row = await this.rows(tx).findOneBy({ id });
    return row ? tokenRecord(row) : undefined;
  }

  /** The token with its secret's hash and its user's name and admin flag: what authenticating needs, in one query. */
  async credential(id: string, tx?: EntityManager): Promise<TokenCredential | undefined> {
    const { entities, raw } = await this.rows(tx)
      .createQueryBuilder('t')
      .innerJoin(User, 'u', 'u.id = t.userId')
      .addSelect(['u.name AS user_name', 'u.admin AS user_admin'])
      .where('t.id = :id', { id })
      .getRawAndEntities<{ user_name: string; user_admin: boolean }>();
    const row = entities[0];
    if (!row) return undefined;
    return {
      ...tokenRecord(row),
      secretHash: row.secretHash,
      userName: raw[0].user_name,
      userAdmin: raw[0].user_admin === true,
    };
  }

  /** Newest first: a user's tokens, or everyone's. */
  async list(userId?: string, limit = 500): Promise<TokenRecord[]> {
    const rows = await this.rows().find({
      where: userId === undefined ? {} : { userId },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: limit,
    });
    return rows.map(tokenRecord);
  }

  /** Sets `revoked_at` once; a second revocation keeps the first time. */
  async revoke(id: string, tx?: EntityManager): Promise<{ token: TokenRecord; revokedNow: boolean }> {
    const result = await this.rows(tx).update({ id, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
    const token = await this.byId(id, tx);
    if (!token) throw new Error(`token ${id} vanished`);
    return { token, revokedNow: (result.affected ?? 0) > 0 };
  }

  /**
   * Records that these tokens were used. Written at most once a minute per token, and called with
   * a batch (see `TokenAuthenticator`), so a busy token costs no write per request.
   */
  async touch(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.rows()
      .createQueryBuilder()
      .update()
      .set({ lastUsedAt: () => 'now()' })
      .where('id IN (:...ids)', { ids })
      .andWhere("(last_used_at IS NULL OR last_used_at < now() - interval '1 minute')")
      .execute();
  }

  /** Whether any admin holds a token with the admin scope that still works. */
  async hasActiveAdmin(tx?: EntityManager): Promise<boolean> {
    const found = await this.rows(tx)
      .createQueryBuilder('t')
      .innerJoin(User, 'u', 'u.id = t.userId')
      .where('u.admin')
      .andWhere(':scope = ANY (t.scopes)', { scope: 'admin' })
      .andWhere('t.revokedAt IS NULL')
      .andWhere('(t.expiresAt IS NULL OR t.expiresAt > now())')
      .getExists();
    return found;
  }
}
