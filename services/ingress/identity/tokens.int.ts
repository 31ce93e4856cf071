import { createHash } from 'node:crypto';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';
import { CREDENTIAL_CACHE_TTL_MS, generateApiToken } from '@chainmail/identity';

/** Users, tokens and `GET /v1/me` over HTTP against ingress with the real Postgres and NATS. */

let app: IngressTestApp;
let admin: string;

beforeAll(async () => {
  app = await startIngressTestApp();
  admin = app.adminToken;
}, 30_000);

afterAll(async () => {
  await app?.close();
});

async function newUser(name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await call(app.base, 'POST', '/v1/users', { token: admin, body: { name, ...extra } });
  expect(created.status).toBe(201);
  return created.body.id as string;
}

async function tokenFor(
  userId: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const created = await call(app.base, 'POST', '/v1/tokens', {
    token: admin,
    body: { name: 'test', userId, ...body },
  });
  expect(created.status).toBe(201);
  return { id: created.body.id as string, token: created.body.token as string };
}

describe('authentication', () => {
  it('answers 401 in the error format without a token, with a malformed header, an unknown token or a wrong secret', async () => {
    const missing = await call(app.base, 'GET', '/v1/workflows');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="chainmail"');
    expect(missing.body).toEqual({
      error: { code: 'UNAUTHENTICATED', message: expect.stringContaining('Authorization: Bearer') },
    });

    const basic = await call(app.base, 'GET', '/v1/workflows', { headers: { authorization: 'Basic YTpi' } });
    expect(basic.status).toBe(401);

    const unknown = await call(app.base, 'GET', '/v1/workflows', { token: generateApiToken().token });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'The API token is not valid.',
    });
    expect(unknown.headers.get('www-authenticate')).toContain('invalid_token');

    const wrongSecret = `${admin.slice(0, 'cm_'.length + 16)}_${'A'.repeat(43)}`;
    const wrong = await call(app.base, 'GET', '/v1/workflows', { token: wrongSecret });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.message).toBe('The API token is not valid.');

    const jwt = await call(app.base, 'GET', '/v1/workflows', { token: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' });
    expect(jwt.status).toBe(401);
    expect(jwt.body.error.message).toContain('single sign-on is not configured');
  });

  it('lets the admin token in, and keeps health probes and webhooks open', async () => {
    expect((await call(app.base, 'GET', '/v1/workflows', { token: admin })).status).toBe(200);
    expect((await call(app.base, 'GET', '/healthz')).status).toBe(200);
    expect((await call(app.base, 'GET', '/readyz')).status).toBe(200);
    // No token, and no 401: the webhook answers for itself (no trigger at this path).
    expect((await call(app.base, 'POST', '/hooks/nothing-here', { body: {} })).status).toBe(404);
  });

  it('refuses an expired token', async () => {
    const userId = await newUser('Expiring');
    const { id, token } = await tokenFor(userId, { scopes: ['read'] });
    await app.dataSource.query(
      `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    const answer = await call(app.base, 'GET', '/v1/workflows', { token });
    expect(answer.status).toBe(401);
    expect(answer.body.error.message).toMatch(/^The API token "test" expired at /);
  });

  it('refuses a revoked token at once, even one used a moment before', async () => {
    const userId = await newUser('Revoked');
    const { id, token } = await tokenFor(userId, { scopes: ['read', 'write'] });
    expect((await call(app.base, 'GET', '/v1/runs', { token })).status).toBe(200);

    const revoked = await call(app.base, 'DELETE', `/v1/tokens/${id}`, { token: admin });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ id, status: 'revoked', revokedAt: expect.any(String) });

    const after = await call(app.base, 'GET', '/v1/runs', { token });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toContain('was revoked');
    // Revoking again changes nothing.
    const again = await call(app.base, 'DELETE', `/v1/tokens/${id}`, { token: admin });
    expect(again.body.revokedAt).toBe(revoked.body.revokedAt);
  });

  it('a revocation on one replica reaches another at once; a change made behind their backs within the cache TTL', async () => {
    const other = await startIngressTestApp({ adminToken: admin }, { replicaOf: app });
    try {
      const userId = await newUser('Two replicas');
      const first = await tokenFor(userId, { scopes: ['read', 'write'] });
      expect((await call(other.base, 'GET', '/v1/runs', { token: first.token })).status).toBe(200);
      expect((await call(app.base, 'DELETE', `/v1/tokens/${first.id}`, { token: admin })).status).toBe(200);
      // The announcement travels over NATS: give it a round trip, far less than the cache's TTL.
      await app.events.nc.flush();
      await new Promise((r) => setTimeout(r, 50));
      expect((await call(other.base, 'GET', '/v1/runs', { token: first.token })).status).toBe(401);

      const second = await tokenFor(userId, { scopes: ['read'] });
      expect((await call(other.base, 'GET', '/v1/runs', { token: second.token })).status).toBe(200);
      await app.dataSource.query(`UPDATE api_tokens SET revoked_at = now() WHERE id = $1`, [second.id]);
      // Still cached just before the TTL ends (the bound docs/security.md states), refused after it.
      expect((await call(other.base, 'GET', '/v1/runs', { token: second.token })).status).toBe(200);
      await new Promise((r) => setTimeout(r, CREDENTIAL_CACHE_TTL_MS + 50));
      expect((await call(other.base, 'GET', '/v1/runs', { token: second.token })).status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('users, tokens and /v1/me', () => {
  it('an admin creates a user and a token for it; the user sees itself at /v1/me; the secret is stored only hashed', async () => {
    const bob = await newUser('Bob', { email: 'bob@acme.example' });
    const created = await call(app.base, 'POST', '/v1/tokens', {
      token: admin,
      body: { name: 'bob laptop', userId: bob, scopes: ['read', 'run'], expiresIn: '30d' },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      userId: bob,
      name: 'bob laptop',
      scopes: ['read', 'run'],
      status: 'active',
      token: expect.stringMatching(/^cm_[0-9a-f]{16}_/),
    });
    const days = (Date.parse(created.body.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const me = await call(app.base, 'GET', '/v1/me', { token: created.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      user: { id: bob, name: 'Bob', email: 'bob@acme.example', admin: false },
      scopes: ['read', 'run'],
      via: 'token',
      token: { id: created.body.id, name: 'bob laptop' },
      teams: [],
    });

    const [row] = (await app.dataSource.query(
      `SELECT secret_hash, last_used_at FROM api_tokens WHERE id = $1`,
      [created.body.id],
    )) as { secret_hash: Buffer; last_used_at: Date | null }[];
    const secret = (created.body.token as string).slice('cm_'.length + 17);
    expect(row.secret_hash.equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(row.last_used_at).not.toBeNull();

    const listed = await call(app.base, 'GET', `/v1/tokens?userId=${bob}`, { token: admin });
    expect(listed.body.tokens).toHaveLength(1);
    expect(JSON.stringify(listed.body)).not.toContain(secret);
  });

  it('a user cannot give itself more than it has, act for others, or see what is not its own', async () => {
    const carol = await newUser('Carol');
    const { token } = await tokenFor(carol, { scopes: ['read', 'write'], expiresIn: '1h' });

    const own = await call(app.base, 'POST', '/v1/tokens', { token, body: { name: 'ci' } });
    expect(own.status).toBe(201);
    expect(own.body.scopes).toEqual(['read', 'write']);
    // Without an expiry, the new token ends when its creator does.
    expect(Math.abs(Date.parse(own.body.expiresAt) - Date.now() - 3_600_000)).toBeLessThan(60_000);

    const more = await call(app.base, 'POST', '/v1/tokens', {
      token,
      body: { name: 'x', scopes: ['read', 'run'] },
    });
    expect(more.status).toBe(403);
    expect(more.body.error).toMatchObject({ code: 'FORBIDDEN', details: { scopes: ['run'] } });
    const adminScope = await call(app.base, 'POST', '/v1/tokens', {
      token,
      body: { name: 'x', scopes: ['admin'] },
    });
    expect(adminScope.status).toBe(403);
    const longer = await call(app.base, 'POST', '/v1/tokens', {
      token,
      body: { name: 'x', expiresIn: '2h' },
    });
    expect(longer.status).toBe(403);
    const forOther = await call(app.base, 'POST', '/v1/tokens', {
      token,
      body: { name: 'x', userId: 'usr_admin' },
    });
    expect(forOther.status).toBe(403);

    const mine = await call(app.base, 'GET', '/v1/tokens', { token });
    expect(mine.body.tokens.map((t: { userId: string }) => t.userId)).toEqual([carol, carol]);
    expect((await call(app.base, 'GET', '/v1/tokens?all=true', { token })).status).toBe(403);
    expect((await call(app.base, 'GET', '/v1/tokens?userId=usr_admin', { token })).status).toBe(403);

    const adminTokenId = admin.slice(3, 19);
    const notYours = await call(app.base, 'DELETE', `/v1/tokens/${adminTokenId}`, { token });
    expect(notYours.status).toBe(404);
    expect(notYours.body.error.code).toBe('TOKEN_NOT_FOUND');
    expect((await call(app.base, 'GET', '/v1/runs', { token: admin })).status).toBe(200);
  });

  it('refuses bad bodies with 400 and unknown users with 404', async () => {
    expect((await call(app.base, 'POST', '/v1/users', { token: admin, body: { email: 'x@y' } })).status).toBe(
      400,
    );
    expect((await call(app.base, 'POST', '/v1/users', { token: admin, body: [] })).status).toBe(400);
    expect(
      (await call(app.base, 'POST', '/v1/tokens', { token: admin, body: { name: 'x', scopes: ['root'] } }))
        .status,
    ).toBe(400);
    expect(
      (await call(app.base, 'POST', '/v1/tokens', { token: admin, body: { name: 'x', expiresIn: 'soon' } }))
        .status,
    ).toBe(400);
    const unknown = await call(app.base, 'POST', '/v1/tokens', {
      token: admin,
      body: { name: 'x', userId: 'usr_nobody' },
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('USER_NOT_FOUND');
    await newUser('Dana', { email: 'dana@acme.example' });
    const twice = await call(app.base, 'POST', '/v1/users', {
      token: admin,
      body: { name: 'D', email: 'DANA@acme.example' },
    });
    expect(twice.status).toBe(409);
  });

  it('lists users for an admin only', async () => {
    const users = await call(app.base, 'GET', '/v1/users', { token: admin });
    expect(users.body.users.map((u: { id: string }) => u.id)).toContain('usr_admin');
    const eve = await newUser('Eve');
    const { token } = await tokenFor(eve, { scopes: ['read', 'run', 'write'] });
    expect((await call(app.base, 'GET', '/v1/users', { token })).status).toBe(403);
  });
});
