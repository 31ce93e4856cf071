import { SignJWT, UnsecuredJWT } from 'jose';
import { FakeOidcProvider, type FakeOidcUser, type FakeTokenOptions } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * Single sign-on through the guard, offline: a provider of this suite's own (discovery, JWKS,
 * tokens signed with jose) and ingress against the real NATS and Postgres. Users are created by
 * an admin and found by the email the provider verified; a replica with
 * CHAINMAIL_OIDC_AUTO_CREATE=member and admin groups creates the ones it does not know.
 */

const CLIENT_ID = 'chainmail-console';
const API_AUDIENCE = 'chainmail-api';

let provider: FakeOidcProvider;
let app: IngressTestApp;
let autoCreating: IngressTestApp;
let withoutOidc: IngressTestApp;

beforeAll(async () => {
  provider = await FakeOidcProvider.start();
  const oidc = { oidcIssuer: provider.issuer, oidcClientId: CLIENT_ID, oidcAudience: API_AUDIENCE };
  app = await startIngressTestApp({ ...oidc, oidcDefaultRole: 'runner' });
  autoCreating = await startIngressTestApp(
    { ...oidc, oidcAutoCreate: 'member', oidcAdminGroups: ['chainmail-admins'] },
    { replicaOf: app },
  );
  withoutOidc = await startIngressTestApp({}, { replicaOf: app });
}, 30_000);

afterAll(async () => {
  await withoutOidc?.close();
  await autoCreating?.close();
  await app?.close();
  await provider?.close();
});

afterEach(() => jest.restoreAllMocks());

const idToken = (user: FakeOidcUser, options: FakeTokenOptions = {}): Promise<string> =>
  provider.idToken(user, { audience: CLIENT_ID, ...options });

async function createUser(body: { name: string; email: string; admin?: boolean }): Promise<string> {
  const created = await call(app.base, 'POST', '/v1/users', { token: app.adminToken, body });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function refusal(base: string, token: string): Promise<{ reason: string; message: string }> {
  const answer = await call(base, 'GET', '/v1/me', { token });
  expect(answer.status).toBe(401);
  expect(answer.body.error.code).toBe('UNAUTHENTICATED');
  return { reason: answer.body.error.details?.reason, message: answer.body.error.message };
}

it('tells a client how to sign in, without a token, and that there is no single sign-on when unset', async () => {
  const config = await call(app.base, 'GET', '/v1/auth/config');
  expect(config.status).toBe(200);
  expect(config.body).toEqual({
    oidc: { issuer: provider.issuer, clientId: CLIENT_ID, scopes: ['openid', 'email', 'profile'] },
  });
  expect((await call(withoutOidc.base, 'GET', '/v1/auth/config')).body).toEqual({ oidc: null });
});

it('signs in the user an admin created with that verified email, with its rights, and keeps it linked', async () => {
  const janeId = await createUser({ name: 'Jane Roe', email: 'jane@acme.example' });
  app.publish('name: janes-flow\nsteps:\n  - { id: a, agent: echo@, input: "x" }\n', `user:${janeId}`);
  app.publish('name: admins-flow\nsteps:\n  - { id: a, agent: echo@, input: "x" }\n');
  const jane = { sub: 'jane-1', name: 'Jane Roe', email: 'jane@acme.example', email_verified: true };
  const token = await idToken(jane);

  const me = await call(app.base, 'GET', '/v1/me', { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({
    user: { id: janeId, email: 'jane@acme.example', admin: false, externalId: `${provider.issuer}#jane-1` },
    via: 'oidc',
    scopes: ['read', 'run', 'write'],
    token: null,
  });
  // What the token's user may see, and only that.
  const workflows = await call(app.base, 'GET', '/v1/workflows', { token });
  expect(workflows.body.workflows.map((w: { name: string }) => w.name)).toEqual(['janes-flow']);
  expect((await call(app.base, 'GET', '/v1/users', { token })).status).toBe(403);

  // Linked to the identity: a new address at the provider is still Jane.
  const moved = await idToken({ ...jane, email: 'jane.roe@acme.example' });
  expect((await call(app.base, 'GET', '/v1/me', { token: moved })).body.user.id).toBe(janeId);

  // An access token for Chainmail's API (its own audience) is the same user too.
  const access = await idToken(jane, { audience: API_AUDIENCE });
  expect((await call(app.base, 'GET', '/v1/me', { token: access })).body.user.id).toBe(janeId);

  // A signed-in user may mint an API token for scripts, within its own scopes.
  const minted = await call(app.base, 'POST', '/v1/tokens', {
    token,
    body: { name: 'laptop', scopes: ['read'] },
  });
  expect(minted.status).toBe(201);
  expect((await call(app.base, 'GET', '/v1/me', { token: minted.body.token })).body.user.id).toBe(janeId);
});

it('gives an admin the admin scope, and a user of another issuer identity with the same email nothing', async () => {
  const rootId = await createUser({ name: 'Root', email: 'root@acme.example', admin: true });
  const root = { sub: 'root-1', email: 'root@acme.example', email_verified: true };
  const me = await call(app.base, 'GET', '/v1/me', { token: await idToken(root) });
  expect(me.body).toMatchObject({
    user: { id: rootId, admin: true },
    scopes: ['read', 'run', 'write', 'admin'],
  });
  expect((await call(app.base, 'GET', '/v1/audit', { token: await idToken(root) })).status).toBe(200);

  const impostor = await refusal(app.base, await idToken({ ...root, sub: 'someone-else' }));
  expect(impostor).toMatchObject({
    reason: 'identity-conflict',
    message: expect.stringContaining('root@acme.example'),
  });
});

it('refuses a user nobody created, saying how to get in; an unverified email is never matched', async () => {
  expect(
    await refusal(app.base, await idToken({ sub: 'new-1', email: 'new@acme.example', email_verified: true })),
  ).toEqual({
    reason: 'unknown-user',
    message: expect.stringMatching(
      /No Chainmail user has the email new@acme\.example: ask an admin .*CHAINMAIL_OIDC_AUTO_CREATE=member/,
    ),
  });
  await createUser({ name: 'Una', email: 'una@acme.example' });
  expect(await refusal(app.base, await idToken({ sub: 'una-1', email: 'una@acme.example' }))).toEqual({
    reason: 'email-unverified',
    message: expect.stringContaining('has not verified the email una@acme.example'),
  });
  expect((await refusal(app.base, await idToken({ sub: 'anon-1' }))).message).toContain('"email" scope');
});

it('with auto-create, makes a member at the first sign-in (an admin by group), the same user after', async () => {
  const sam = { sub: 'sam-1', name: 'Sam', email: 'sam@acme.example', email_verified: true };
  const first = await call(autoCreating.base, 'GET', '/v1/me', { token: await idToken(sam) });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({
    user: { name: 'Sam', email: 'sam@acme.example', admin: false },
    scopes: ['read', 'run', 'write'],
  });
  const again = await call(autoCreating.base, 'GET', '/v1/me', { token: await idToken(sam) });
  expect(again.body.user.id).toBe(first.body.user.id);

  // An address the provider did not verify is not given to the new user.
  const unverified = await call(autoCreating.base, 'GET', '/v1/me', {
    token: await idToken({ sub: 'ulla-1', email: 'ulla@acme.example' }),
  });
  expect(unverified.body.user).toMatchObject({ name: 'ulla@acme.example', email: null });

  // Admin groups decide who is an admin, both ways.
  const boss = {
    sub: 'boss-1',
    email: 'boss@acme.example',
    email_verified: true,
    groups: ['chainmail-admins'],
  };
  const asAdmin = await call(autoCreating.base, 'GET', '/v1/me', { token: await idToken(boss) });
  expect(asAdmin.body).toMatchObject({ user: { admin: true }, scopes: ['read', 'run', 'write', 'admin'] });
  const demoted = await call(autoCreating.base, 'GET', '/v1/me', {
    token: await idToken({ ...boss, groups: [] }),
  });
  expect(demoted.body).toMatchObject({
    user: { id: asAdmin.body.user.id, admin: false },
    scopes: ['read', 'run', 'write'],
  });
});

it('makes the groups claim teams, joined with the default role, and left with the group', async () => {
  await createUser({ name: 'Gus', email: 'gus@acme.example' });
  const gus = { sub: 'gus-1', email: 'gus@acme.example', email_verified: true };
  const me = await call(app.base, 'GET', '/v1/me', {
    token: await idToken({ ...gus, groups: ['platform', 'data'] }),
  });
  expect(me.body.teams.map((t: { name: string; role: string }) => [t.name, t.role]).sort()).toEqual([
    ['data', 'runner'],
    ['platform', 'runner'],
  ]);
  const later = await call(app.base, 'GET', '/v1/me', {
    token: await idToken({ ...gus, groups: ['platform'] }),
  });
  expect(later.body.teams.map((t: { name: string }) => t.name)).toEqual(['platform']);
});

it.each([
  ['an expired token', () => idToken({ sub: 'x' }, { expiresIn: -60 }), 'expired', /^The token expired at /],
  [
    'another audience',
    () => idToken({ sub: 'x' }, { audience: 'account' }),
    'audience',
    /meant for "account".*"chainmail-console" or "chainmail-api"/,
  ],
  [
    'another issuer',
    () => idToken({ sub: 'x' }, { issuer: 'https://evil.example' }),
    'issuer',
    /issued by "https:\/\/evil\.example"; this server accepts tokens of http:\/\/127\.0\.0\.1:\d+ only/,
  ],
  ['no user claim', () => idToken({ sub: '' }), 'claims', /no "sub" claim/],
])('refuses %s with 401 and says why', async (_what, make, reason, message) => {
  expect(await refusal(app.base, await make())).toEqual({ reason, message: expect.stringMatching(message) });
});

it('refuses a bad signature, an HMAC or unsigned token, a tampered payload, and bearers that are no JWT of the issuer', async () => {
  const stranger = await FakeOidcProvider.newKey();
  const jane = { sub: 'jane-1', email: 'jane@acme.example', email_verified: true };
  // The provider's key id, another key: the signature does not verify.
  const forged = await idToken(jane, { key: { ...stranger, kid: provider.keyId } });
  expect((await refusal(app.base, forged)).reason).toBe('signature');

  const hmac = await new SignJWT({ sub: 'jane-1' })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(provider.issuer)
    .setAudience(CLIENT_ID)
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('a-secret-of-at-least-32-bytes-long!!'));
  expect((await refusal(app.base, hmac)).reason).toBe('algorithm');
  const unsigned = new UnsecuredJWT({ sub: 'jane-1', email: 'jane@acme.example', email_verified: true })
    .setIssuer(provider.issuer)
    .setAudience(CLIENT_ID)
    .setExpirationTime('5m')
    .encode();
  expect((await refusal(app.base, unsigned)).reason).toBe('algorithm');
  const [header, payload] = (await idToken(jane)).split('.');
  expect((await refusal(app.base, `${header}.${payload}.`)).reason).toBe('signature');

  const good = await idToken(jane);
  const [h, , signature] = good.split('.');
  const root = Buffer.from(
    JSON.stringify({
      sub: 'root-1',
      iss: provider.issuer,
      aud: CLIENT_ID,
      exp: 4e9,
      email: 'root@acme.example',
      email_verified: true,
    }),
  ).toString('base64url');
  expect((await refusal(app.base, `${h}.${root}.${signature}`)).reason).toBe('signature');

  // A JWT dressed as an API token is an API token, and a bad one; garbage is neither.
  expect((await call(app.base, 'GET', '/v1/me', { token: `cm_${good}` })).status).toBe(401);
  expect((await refusal(app.base, 'not-a-token')).reason).toBe('malformed');
  // Without single sign-on, a JWT is no credential at all.
  expect((await call(withoutOidc.base, 'GET', '/v1/me', { token: good })).body.error.message).toContain(
    'single sign-on is not configured',
  );
});

it('fetches the keys once, and again for a key id it does not know (after the cooldown): rotation', async () => {
  await createUser({ name: 'Rita', email: 'rita@acme.example' });
  const rita = { sub: 'rita-1', email: 'rita@acme.example', email_verified: true };
  expect((await call(app.base, 'GET', '/v1/me', { token: await idToken(rita) })).status).toBe(200);
  const fetched = provider.jwksRequests;
  for (let i = 0; i < 5; i++) {
    expect((await call(app.base, 'GET', '/v1/me', { token: await idToken(rita) })).status).toBe(200);
  }
  expect(provider.jwksRequests).toBe(fetched);

  // Signed with a key the provider does not publish yet: refused; a second try within jose's
  // 30 s cooldown fetches nothing (unknown key ids cannot make ingress hammer the provider).
  const next = await FakeOidcProvider.newKey();
  expect((await refusal(app.base, await idToken(rita, { key: next }))).reason).toBe('unknown-key');
  const afterMiss = provider.jwksRequests;
  expect((await refusal(app.base, await idToken(rita, { key: next }))).reason).toBe('unknown-key');
  expect(provider.jwksRequests).toBe(afterMiss);

  // The provider rotates; past the cooldown, the unknown key id fetches the keys again.
  provider.rotate(next);
  const now = Date.now();
  jest.spyOn(Date, 'now').mockImplementation(() => now + 31_000);
  expect((await call(app.base, 'GET', '/v1/me', { token: await idToken(rita) })).status).toBe(200);
  expect(provider.jwksRequests).toBe(afterMiss + 1);
});
