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

  it('links a user to a single sign-on identity once; creates the user of one once, however many replicas race', async () => {
    const lea = await newUser('Lea');
    const [won, lost] = await Promise.all([
      store.users.linkExternal(lea.id, 'https://idp.example#lea'),
      store.users.linkExternal(lea.id, 'https://idp.example#lea'),
    ]).then((both) => [both.find((u) => u !== undefined), both.find((u) => u === undefined)]);
    expect(won).toMatchObject({ id: lea.id, externalId: 'https://idp.example#lea' });
    expect(lost).toBeUndefined();
    // Linked, it stays linked: another identity does not take it over.
    expect(await store.users.linkExternal(lea.id, 'https://idp.example#mallory')).toBeUndefined();
    expect(await store.users.byExternalId('https://idp.example#lea')).toEqual(won);
    expect(await store.users.byExternalId('https://idp.example#mallory')).toBeUndefined();

    const kim = { name: 'Kim', email: 'kim@idp.example', admin: false, externalId: 'https://idp.example#42' };
    const [a, b] = await Promise.all([
      store.users.createExternal({ id: newUserId(), ...kim }),
      store.users.createExternal({ id: newUserId(), ...kim }),
    ]);
    expect(a).toEqual(b);
    expect(a).toMatchObject(kim);
    // An email another user has is not taken.
    expect(
      await store.users.createExternal({ id: newUserId(), ...kim, externalId: 'https://idp.example#43' }),
    ).toBeUndefined();
  });

  it('follow() writes a changed name or admin flag and nothing when they are the same', async () => {
    const kai = await newUser('Kai');
    expect(await store.users.follow(kai, { name: 'Kai' })).toBe(kai);
    const renamed = await store.users.follow(kai, { name: 'Kai Lee', admin: true });
    expect(renamed).toMatchObject({ name: 'Kai Lee', admin: true });
    expect(await store.users.byId(kai.id)).toEqual(renamed);
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
