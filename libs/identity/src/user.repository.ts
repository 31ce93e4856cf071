import type { DataSource, EntityManager, Repository } from 'typeorm';
import { User } from './entities/user.entity';
import { userRecord, type UserRecord } from './identity.records';

export interface NewUser {
  id: string;
  name: string;
  email: string | null;
  admin: boolean;
  externalId?: string | null;
}

/** The `users` table. Every method takes an optional transaction (an `EntityManager`). */
export class UserRepository {
  constructor(private readonly dataSource: DataSource) {}

  private rows(tx?: EntityManager): Repository<User> {
    return (tx ?? this.dataSource.manager).getRepository(User);
  }

  async create(user: NewUser, tx?: EntityManager): Promise<UserRecord> {
    const row = this.rows(tx).create({ ...user, externalId: user.externalId ?? null });
    await this.rows(tx).insert(row);
    return userRecord(row);
  }

  /** Creates the user unless its id exists already (the admin of the first start, raced by replicas). */
  async ensure(user: NewUser, tx?: EntityManager): Promise<void> {
    await this.rows(tx)
      .createQueryBuilder()
      .insert()
      .values({ ...user, externalId: user.externalId ?? null })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  async byId(id: string, tx?: EntityManager): Promise<UserRecord | undefined> {
    const row = await this.rows(tx).findOneBy({ id });
    return row ? userRecord(row) : undefined;
  }

  /** Emails are unique whatever their case (the migration's `lower(email)` index). */
  async byEmail(email: string): Promise<UserRecord | undefined> {
    const row = await this.rows()
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    return row ? userRecord(row) : undefined;
  }

  async list(limit = 500): Promise<UserRecord[]> {
    const rows = await this.rows().find({ order: { createdAt: 'ASC', id: 'ASC' }, take: limit });
    return rows.map(userRecord);
  }

  /** The user a single sign-on identity (`<issuer>#<subject>`) is linked to. */
  async byExternalId(externalId: string): Promise<UserRecord | undefined> {
    const row = await this.rows().findOneBy({ externalId });
    return row ? userRecord(row) : undefined;
  }

  /**
   * Links a user no identity is linked to yet to a single sign-on identity; undefined when the user
   * is linked already (to this identity by a replica that got there first, or to another).
   */
  async linkExternal(userId: string, externalId: string): Promise<UserRecord | undefined> {
    const linked = await this.rows()
      .createQueryBuilder()
      .update()
      .set({ externalId })
      .where('id = :userId AND external_id IS NULL', { userId })
      .execute();
    return linked.affected === 1 ? this.byId(userId) : undefined;
  }

  /**
   * Creates the user of a single sign-on identity unless it exists (two replicas at its first
   * sign-in make one); undefined when another user has its email.
   */
  async createExternal(user: NewUser & { externalId: string }): Promise<UserRecord | undefined> {
    await this.rows().createQueryBuilder().insert().values(user).orIgnore().updateEntity(false).execute();
    return this.byExternalId(user.externalId);
  }

  /** Writes what a sign-in says of its user; unchanged values write nothing. */
  async follow(user: UserRecord, claims: { name?: string; admin?: boolean }): Promise<UserRecord> {
    const changes = {
      ...(claims.name !== undefined && claims.name !== user.name ? { name: claims.name } : {}),
      ...(claims.admin !== undefined && claims.admin !== user.admin ? { admin: claims.admin } : {}),
    };
    if (Object.keys(changes).length === 0) return user;
    await this.rows().update({ id: user.id }, changes);
    return { ...user, ...changes };
  }
}
