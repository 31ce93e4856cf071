import { Global, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { newUserId } from './identity.records';
import { IdentityStore } from './identity.store';
import { IdentityStoreModule } from './identity-store.module';
import { MembershipRepository } from './membership.repository';
import { UserRepository } from './user.repository';

/** The Nest module: the repositories over the DataSource a process provides under its own token. */

const DB = Symbol('DB');
let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('identity-module');
  ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

it('provides the store and each repository over the DataSource of the given token', async () => {
  // Global, as the platform's module is: the dynamic module resolves the token in its own scope.
  @Global()
  @Module({ providers: [{ provide: DB, useValue: ds }], exports: [DB] })
  class DatabaseModule {}
  @Module({ imports: [DatabaseModule, IdentityStoreModule.register(DB)] })
  class AppModule {}

  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  try {
    const users = app.get(UserRepository);
    const store = app.get(IdentityStore);
    expect(store.users).toBe(users);
    expect(app.get(MembershipRepository)).toBe(store.memberships);
    const created = await users.create({ id: newUserId(), name: 'Nest', email: null, admin: false });
    expect(await store.users.byId(created.id)).toEqual(created);
  } finally {
    await app.close();
  }
});
