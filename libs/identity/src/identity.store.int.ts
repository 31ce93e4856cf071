import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { ADMIN_USER_ID, newTeamId, newUserId } from './identity.records';
import { IdentityStore } from './identity.store';
import { generateApiToken, hashSecret } from './token-format';

/** The identity repositories against real Postgres, with the migrations of `@chainmail/persistence`. */

let db: TestDatabase;
let ds: DataSource;
let store: IdentityStore;

beforeAll(async () => {
  db = await createTestDatabase('identity');
  ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
  store = new IdentityStore(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

async function newUser(name: string, admin = false) {
  return store.users.create({ id: newUserId(), name, email: `${name.toLowerCase()}@acme.example`, admin });
}

async function newToken(userId: string, extra: { scopes?: string[]; expiresAt?: Date | null } = {}) {
  const { id, secret, token } = generateApiToken();
  const record = await store.tokens.insert({
    id,
    userId,
    name: `token of ${userId}`,
    secretHash: hashSecret(secret),
    scopes: (extra.scopes ?? ['read']) as never,
    createdBy: 'system',
    expiresAt: extra.expiresAt ?? null,
  });
  return { record, token, secret };
}

describe('users', () => {
  it('creates a user with its database creation time, finds it by id and by email whatever the case', async () => {
    const ann = await newUser('Ann');
    expect(ann).toMatchObject({ name: 'Ann', admin: false, externalId: null });
    expect(Date.parse(ann.createdAt)).not.toBeNaN();
    expect(await store.users.byId(ann.id)).toEqual(ann);
    expect(await store.users.byEmail('ANN@Acme.Example')).toEqual(ann);
    expect(await store.users.byId('usr_nobody')).toBeUndefined();
    expect((await store.users.list()).map((u) => u.id)).toContain(ann.id);
  });

  it('ensure() creates the admin once, however many replicas race', async () => {
    const admin = { id: ADMIN_USER_ID, name: 'admin', email: null, admin: true };
    await Promise.all([store.users.ensure(admin), store.users.ensure(admin), store.users.ensure(admin)]);
    expect(await store.users.byId(ADMIN_USER_ID)).toMatchObject({ name: 'admin', admin: true });
  });

  it('upsertExternal creates an OIDC user once, then follows the claims', async () => {
    const first = await store.users.upsertExternal({
      externalId: 'https://idp.example#42',
      name: 'Kim',
      email: null,
      admin: false,
    });
    const same = await store.users.upsertExternal({
      externalId: 'https://idp.example#42',
      name: 'Kim',
      email: null,
      admin: false,
    });
    expect(same).toEqual(first);
    const renamed = await store.users.upsertExternal({
      externalId: 'https://idp.example#42',
      name: 'Kim Lee',
      email: 'kim@idp.example',
      admin: true,
    });
    expect(renamed).toMatchObject({ id: first.id, name: 'Kim Lee', email: 'kim@idp.example', admin: true });
  });
});

describe('teams and memberships', () => {
  it('adds, changes and removes members; lists teams by member; memberships of a user', async () => {
    const owner = await newUser('Olga');
    const member = await newUser('Max');
    const team = await store.teams.create({ id: newTeamId(), name: 'Research' });
    expect(await store.teams.byName('research')).toEqual(team);
    await store.memberships.set(team.id, owner.id, 'owner');
    await store.memberships.set(team.id, member.id, 'viewer');
    await store.memberships.set(team.id, member.id, 'editor');
    expect(await store.memberships.members(team.id)).toEqual([
      { userId: owner.id, name: 'Olga', role: 'owner', since: expect.any(String) },
      { userId: member.id, name: 'Max', role: 'editor', since: expect.any(String) },
    ]);
    expect(await store.memberships.of(member.id)).toEqual([{ teamId: team.id, role: 'editor' }]);
    expect((await store.teams.list(member.id)).map((t) => t.id)).toEqual([team.id]);
    expect((await store.teams.list()).map((t) => t.id)).toContain(team.id);

    expect(await store.memberships.remove(team.id, member.id)).toBe(true);
    expect(await store.memberships.remove(team.id, member.id)).toBe(false);
    expect(await store.memberships.of(member.id)).toEqual([]);
    expect(await store.teams.list(member.id)).toEqual([]);
  });

  it('a team per OIDC group, created once; a local team holding the name gets the group under another', async () => {
    await store.teams.create({ id: newTeamId(), name: 'ops' });
    const [a, b] = await Promise.all([store.teams.forGroup('ops'), store.teams.forGroup('ops')]);
    expect(a).toEqual(b);
    expect(a).toMatchObject({ name: 'ops (sso)', externalGroup: 'ops' });
    expect(await store.teams.forGroup('ops')).toEqual(a);
  });

  it('lock() makes a second transaction on the same team wait for the first', async () => {
    const team = await store.teams.create({ id: newTeamId(), name: 'Locked' });
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const first = store.transaction(async (tx) => {
      await store.teams.lock(team.id, tx);
      order.push('first locked');
      await held;
      order.push('first done');
    });
    while (order.length === 0) await new Promise((r) => setTimeout(r, 5));
    const second = store.transaction(async (tx) => {
      await store.teams.lock(team.id, tx);
      order.push('second locked');
    });
    await new Promise((r) => setTimeout(r, 100));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first locked', 'first done', 'second locked']);
  });

  it('a transaction that fails writes nothing', async () => {
    const user = await newUser('Rolled');
    const id = newTeamId();
    await expect(
      store.transaction(async (tx) => {
        await store.teams.create({ id, name: 'Rolled back' }, tx);
        await store.memberships.set(id, user.id, 'owner', tx);
        throw new Error('audit unavailable');
      }),
    ).rejects.toThrow('audit unavailable');
    expect(await store.teams.byId(id)).toBeUndefined();
    expect(await store.memberships.of(user.id)).toEqual([]);
  });
});

describe('tokens', () => {
  it('inserts, reads the credential with its user, lists newest first, revokes once', async () => {
    const user = await newUser('Tess', true);
    const one = await newToken(user.id, { scopes: ['read', 'admin'] });
    const two = await newToken(user.id);
    const credential = await store.tokens.credential(one.record.id);
    expect(credential).toMatchObject({
      ...one.record,
      userName: 'Tess',
      userAdmin: true,
      secretHash: hashSecret(one.secret),
    });
    expect((await store.tokens.list(user.id)).map((t) => t.id)).toEqual([two.record.id, one.record.id]);
    expect(await store.tokens.hasActiveAdmin()).toBe(true);

    const revoked = await store.tokens.revoke(one.record.id);
    expect(revoked.revokedNow).toBe(true);
    expect(revoked.token.revokedAt).not.toBeNull();
    const again = await store.tokens.revoke(one.record.id);
    expect(again).toEqual({ token: revoked.token, revokedNow: false });
    expect(await store.tokens.hasActiveAdmin()).toBe(false);
    expect(await store.tokens.credential('0000000000000000')).toBeUndefined();
  });

  it('touch() records the last use of a batch of tokens, at most once a minute each', async () => {
    const user = await newUser('Uma');
    const a = await newToken(user.id);
    const b = await newToken(user.id);
    await store.tokens.touch([a.record.id, b.record.id]);
    const first = await store.tokens.byId(a.record.id);
    expect(first?.lastUsedAt).not.toBeNull();
    expect((await store.tokens.byId(b.record.id))?.lastUsedAt).not.toBeNull();
    await new Promise((r) => setTimeout(r, 20));
    await store.tokens.touch([a.record.id]);
    expect((await store.tokens.byId(a.record.id))?.lastUsedAt).toBe(first?.lastUsedAt);
    await store.tokens.touch([]);
  });

  it('an expired admin token is not an active one', async () => {
    const other = new IdentityStore(ds);
    const admin = await newUser('Exp', true);
    await newToken(admin.id, { scopes: ['admin'], expiresAt: new Date(Date.now() - 1000) });
    expect(await other.tokens.hasActiveAdmin()).toBe(false);
  });
});
