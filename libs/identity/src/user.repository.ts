import type { DataSource, EntityManager, Repository } from 'typeorm';
import { User } from './entities/user.entity';
import { newUserId, userRecord, type UserRecord } from './identity.records';

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

  /** The user of an OpenID Connect identity, created on first sight; name, email and admin follow the token. */
  async upsertExternal(user: {
    externalId: string;
    name: string;
    email: string | null;
    admin: boolean;
  }): Promise<UserRecord> {
    await this.rows()
      .createQueryBuilder()
      .insert()
      .values({ id: newUserId(), ...user })
      // Unchanged claims write nothing: a sign-in is not a row update.
      .orUpdate(['name', 'email', 'admin'], ['external_id'], { skipUpdateIfNoValuesChanged: true })
      .updateEntity(false)
      .execute();
    return userRecord(await this.rows().findOneByOrFail({ externalId: user.externalId }));
  }
}
