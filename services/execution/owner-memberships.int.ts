import { IdentityStore, newTeamId, newUserId } from '@chainmail/identity';
import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { PostgresMemberships } from './owner-memberships';

/** A run owner's teams, read through the identity library's repository, cached for a second. */

let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('memberships');
  ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

it("reads the owner's teams and roles, and sees a change once the second has passed", async () => {
  const store = new IdentityStore(ds);
  const user = await store.users.create({ id: newUserId(), name: 'Owner', email: null, admin: false });
  const team = await store.teams.create({ id: newTeamId(), name: 'Runners' });
  await store.memberships.set(team.id, user.id, 'runner');
  let t = 0;
  const memberships = new PostgresMemberships(ds, () => t);

  expect(await memberships.of(user.id)).toEqual([{ teamId: team.id, role: 'runner' }]);
  await store.memberships.remove(team.id, user.id);
  t += 999;
  expect(await memberships.of(user.id)).toEqual([{ teamId: team.id, role: 'runner' }]);
  t += 1;
  expect(await memberships.of(user.id)).toEqual([]);
  expect(await memberships.of('usr_unknown')).toEqual([]);
});
