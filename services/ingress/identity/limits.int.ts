import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';
import { generateApiToken, hashSecret, IdentityStore, newUserId } from '@chainmail/identity';
import { RATE_LIMIT_SYNC_MS, RequestLimiter } from './request-limiter';

/**
 * Request rate limits per token (counted in memory, shared by replicas through Postgres at each
 * sync) and body limits on every REST entry.
 */

let app: IngressTestApp;
let second: IngressTestApp;
const PER_MINUTE = 5;

beforeAll(async () => {
  const settings = { rateLimitPerMinute: PER_MINUTE };
  app = await startIngressTestApp(settings);
  second = await startIngressTestApp({ ...settings, adminToken: app.adminToken }, { replicaOf: app });
}, 30_000);

afterAll(async () => {
  await second?.close();
  await app?.close();
});

async function userToken(name: string): Promise<string> {
  const user = await call(app.base, 'POST', '/v1/users', { token: app.adminToken, body: { name } });
  const token = await call(app.base, 'POST', '/v1/tokens', {
    token: app.adminToken,
    body: { name, userId: user.body.id, scopes: ['read', 'run', 'write'] },
  });
  return token.body.token as string;
}

/** A user and token written to the database directly: the admin token's own budget is spent by then. */
async function storedUserToken(name: string): Promise<string> {
  const store = new IdentityStore(app.dataSource);
  const user = await store.users.create({ id: newUserId(), name, email: null, admin: false });
  const { id, secret, token } = generateApiToken();
  await store.tokens.insert({
    id,
    userId: user.id,
    name,
    secretHash: hashSecret(secret),
    scopes: ['read'],
    createdBy: 'test',
    expiresAt: null,
  });
  return token;
}

describe('rate limits', () => {
  let ann: string;
  let ben: string;
  beforeAll(async () => {
    // Created by the admin token, which may then be over its own limit: the tests use these two.
    ann = await userToken('Ann');
    ben = await userToken('Ben');
  });

  const limiter = (replica: IngressTestApp): RequestLimiter => replica.app.get(RequestLimiter);

  it('answers 429 with Retry-After past the limit, per token, counted across replicas', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE; i++) {
      statuses.push(
        (await call(i % 2 === 0 ? app.base : second.base, 'GET', '/v1/workflows', { token: ann })).status,
      );
    }
    expect(statuses).toEqual(Array(PER_MINUTE).fill(200));
    // Each replica adds its count, then the first learns the second's: what their timers do every second.
    await limiter(app).sync();
    await limiter(second).sync();
    await limiter(app).sync();

    for (const base of [app.base, second.base]) {
      const limited = await call(base, 'GET', '/v1/workflows', { token: ann });
      expect(limited.status).toBe(429);
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(limited.body.error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { retryAfterSeconds: retryAfter },
      });
    }
    expect((await call(app.base, 'GET', '/v1/workflows', { token: ben })).status).toBe(200);
  });

  it('shares the counts on its own, within a couple of sync periods', async () => {
    const cy = await storedUserToken('Cy');
    for (let i = 0; i < PER_MINUTE; i++) {
      expect((await call(app.base, 'GET', '/v1/workflows', { token: cy })).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 2 * RATE_LIMIT_SYNC_MS + 500));
    const limited = await call(second.base, 'GET', '/v1/workflows', { token: cy });
    expect(limited.status).toBe(429);
    // The window began at the first request, on the other replica: Retry-After counts down to its end.
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(58);
  });

  it('counts failed sign-ins against the address: guessing is limited too', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 2; i++) {
      statuses.push(
        (await call(app.base, 'GET', '/v1/workflows', { token: generateApiToken().token })).status,
      );
    }
    expect(statuses.slice(0, PER_MINUTE)).toEqual(Array(PER_MINUTE).fill(401));
    expect(statuses.slice(PER_MINUTE)).toEqual([429, 429]);
  });
});

describe('body limits', () => {
  let bodies: IngressTestApp;
  let token: string;
  beforeAll(async () => {
    bodies = await startIngressTestApp({ maxDefinitionBytes: 4096, maxInputBytes: 1024 });
    token = bodies.adminToken;
  }, 30_000);
  afterAll(async () => {
    await bodies?.close();
  });
  const big = (bytes: number): string => JSON.stringify({ inputs: { user_input: 'x'.repeat(bytes) } });

  it.each([
    ['POST', '/v1/workflows'],
    ['POST', '/v1/workflows/validate'],
    ['POST', '/v1/workflows/w/rollback'],
    ['POST', '/v1/workflows/w/runs'],
    ['POST', '/v1/runs/r/cancel'],
    ['POST', '/v1/runs/r/checkpoints/s'],
    ['PUT', '/v1/agents/a@'],
    ['POST', '/v1/users'],
    ['POST', '/v1/teams'],
    ['POST', '/v1/teams/t/members'],
    ['PATCH', '/v1/teams/t/members/u'],
    ['POST', '/v1/tokens'],
  ])('%s %s answers 413 in the error format past the JSON limit', async (method, path) => {
    const answer = await call(bodies.base, method, path, { token, body: big(5000) });
    expect(answer.status).toBe(413);
    expect(answer.body.error).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringContaining('4096 bytes'),
    });
  });

  it('limits a YAML definition to CHAINMAIL_MAX_DEFINITION_BYTES and run inputs to CHAINMAIL_MAX_INPUT_BYTES', async () => {
    const yaml = `name: big\nsteps:\n  - { id: a, agent: echo@, input: "${'x'.repeat(5000)}" }\n`;
    for (const path of ['/v1/workflows', '/v1/workflows/validate']) {
      const answer = await call(bodies.base, 'POST', path, {
        token,
        body: yaml,
        headers: { 'content-type': 'application/yaml' },
      });
      expect(answer.status).toBe(413);
    }
    // Between the input limit (1 KiB) and the JSON limit (4 KiB): refused for a run, not for a definition.
    const run = await call(bodies.base, 'POST', '/v1/workflows/w/runs', { token, body: big(2000) });
    expect(run.status).toBe(413);
    expect(run.body.error.message).toContain('1024 bytes');
    const checkpoint = await call(bodies.base, 'POST', '/v1/runs/r/checkpoints/s', {
      token,
      body: { action: 'edit', input: 'x'.repeat(2000) },
    });
    expect(checkpoint.status).toBe(413);
    const small = await call(bodies.base, 'POST', '/v1/workflows/w/runs', { token, body: big(10) });
    expect(small.status).toBe(404);
  });
});
