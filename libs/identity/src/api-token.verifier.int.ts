import type { Actor } from '@chainmail/contracts';
import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { actorExpiry, ApiTokenVerifier } from './api-token.verifier';
import { CredentialCache, CREDENTIAL_CACHE_TTL_MS } from './credential-cache';
import { newTeamId, newUserId } from './identity.records';
import { IdentityStore } from './identity.store';
import { credentialKey, generateApiToken, hashSecret } from './token-format';

/**
 * API tokens verified through the credential cache against real Postgres: two "replicas" (each a
 * cache and a verifier) share one database, on a clock the test moves.
 */

let db: TestDatabase;
let ds: DataSource;
let store: IdentityStore;
let t = Date.now();
const now = () => t;

beforeAll(async () => {
  db = await createTestDatabase('tokens');
  ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
  store = new IdentityStore(ds);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

class Replica {
  readonly cache = new CredentialCache<Actor>({ now });
  readonly verifier = new ApiTokenVerifier(store.tokens, store.memberships, now);
  lookups = 0;

  authenticate(bearer: string): Promise<Actor> {
    return this.cache.get(
      credentialKey(bearer),
      () => {
        this.lookups++;
        return this.verifier.verify(bearer);
      },
      actorExpiry,
    );
  }
}

async function userWithToken(options: { admin?: boolean; scopes?: string[]; expiresAt?: Date } = {}) {
  const user = await store.users.create({
    id: newUserId(),
    name: 'Val',
    email: null,
    admin: options.admin ?? false,
  });
  const { id, secret, token } = generateApiToken();
  await store.tokens.insert({
    id,
    userId: user.id,
    name: 'laptop',
    secretHash: hashSecret(secret),
    scopes: (options.scopes ?? ['read', 'run']) as never,
    createdBy: user.id,
    expiresAt: options.expiresAt ?? null,
  });
  return { user, id, token, secret };
}

it('resolves a token to its actor once, then from memory', async () => {
  const { user, id, token } = await userWithToken({ scopes: ['read', 'admin'] });
  const team = await store.teams.create({ id: newTeamId(), name: 'Verifiers' });
  await store.memberships.set(team.id, user.id, 'runner');
  const replica = new Replica();
  const actor = await replica.authenticate(token);
  expect(actor).toEqual({
    userId: user.id,
    name: 'Val',
    admin: false,
    teams: [{ teamId: team.id, role: 'runner' }],
    // Not an admin: the token's admin scope grants nothing.
    scopes: ['read'],
    tokenId: id,
    via: 'token',
    expiresAt: null,
  });
  for (let i = 0; i < 20; i++) await replica.authenticate(token);
  expect(replica.lookups).toBe(1);
});

it('a revocation is seen by another replica within the TTL, and at once by the one that invalidates', async () => {
  const { id, token } = await userWithToken();
  const here = new Replica();
  const there = new Replica();
  await here.authenticate(token);
  await there.authenticate(token);

  await store.tokens.revoke(id);
  here.cache.invalidate();
  await expect(here.authenticate(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });

  // The other replica heard nothing: it may serve the cached caller until the TTL ends, not after.
  t += CREDENTIAL_CACHE_TTL_MS - 1;
  await expect(there.authenticate(token)).resolves.toMatchObject({ tokenId: id });
  t += 1;
  await expect(there.authenticate(token)).rejects.toThrow(/was revoked at/);
});

it('a role change reaches the cached caller within the TTL', async () => {
  const { user, token } = await userWithToken();
  const team = await store.teams.create({ id: newTeamId(), name: 'Roles' });
  await store.memberships.set(team.id, user.id, 'viewer');
  const replica = new Replica();
  expect((await replica.authenticate(token)).teams).toEqual([{ teamId: team.id, role: 'viewer' }]);
  await store.memberships.set(team.id, user.id, 'editor');
  t += CREDENTIAL_CACHE_TTL_MS;
  expect((await replica.authenticate(token)).teams).toEqual([{ teamId: team.id, role: 'editor' }]);
});

it('refuses a wrong secret, an unknown id and an expired token alike, and caches no refusal', async () => {
  const { id, token } = await userWithToken({ expiresAt: new Date(t + 1_000) });
  const replica = new Replica();
  await expect(replica.authenticate(`cm_${id}_${'x'.repeat(43)}`)).rejects.toThrow(
    'The API token is not valid.',
  );
  await expect(replica.authenticate(generateApiToken().token)).rejects.toThrow('The API token is not valid.');
  await expect(replica.authenticate('not-a-token')).rejects.toThrow('The API token is not valid.');
  await replica.authenticate(token);
  // Cached no longer than the token lives.
  t += 1_000;
  await expect(replica.authenticate(token)).rejects.toThrow(/expired at/);
});

it('writes the last use at the first lookup, and the cached uses in one batch', async () => {
  const a = await userWithToken();
  const b = await userWithToken();
  const replica = new Replica();
  await replica.authenticate(a.token);
  await replica.authenticate(b.token);
  await waitForLastUse(a.id);
  await waitForLastUse(b.id);
  await ds.query(`UPDATE api_tokens SET last_used_at = NULL`);
  replica.verifier.recordUse(a.id);
  replica.verifier.recordUse(b.id);
  await replica.verifier.flushUsage();
  expect((await store.tokens.byId(a.id))?.lastUsedAt).not.toBeNull();
  expect((await store.tokens.byId(b.id))?.lastUsedAt).not.toBeNull();
});

async function waitForLastUse(id: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await store.tokens.byId(id))?.lastUsedAt) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`last use of ${id} never written`);
}
