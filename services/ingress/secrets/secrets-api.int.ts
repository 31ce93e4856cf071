import { randomBytes } from 'node:crypto';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * /v1/secrets and /v1/variables against the real Postgres and NATS: values go in and never come
 * out (answers, listings, the audit trail, the table), owners are kept apart (404, not 403),
 * team roles decide who writes, a server without a master key says which setting it lacks.
 */

let nats: NatsServerHandle;
let app: IngressTestApp;
let admin: string;

beforeAll(async () => {
  nats = await startNatsServer();
  app = await startIngressTestApp({ masterKey: randomBytes(32).toString('base64') }, { natsUrl: nats.url });
  admin = app.adminToken;
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
});

async function user(name: string): Promise<{ id: string; token: string }> {
  const created = await call(app.base, 'POST', '/v1/users', { token: admin, body: { name } });
  const token = await call(app.base, 'POST', '/v1/tokens', {
    token: admin,
    body: { name: `${name}'s`, userId: created.body.id, scopes: ['read', 'run', 'write'] },
  });
  return { id: created.body.id as string, token: token.body.token as string };
}

const marker = (): string => `marker-${randomBytes(12).toString('hex')}`;

it('stores a value from JSON or text/plain and never answers it: put, list, get, audit, the table', async () => {
  const alice = await user('Alice');
  const [json, text] = [marker(), marker()];
  const put = await call(app.base, 'PUT', '/v1/secrets/OPENAI_KEY', {
    token: alice.token,
    body: { value: json },
  });
  expect(put.status).toBe(200);
  expect(put.body.secret).toMatchObject({
    owner: `user:${alice.id}`,
    name: 'OPENAI_KEY',
    version: 1,
    createdBy: alice.id,
  });
  const rotated = await call(app.base, 'PUT', '/v1/secrets/OPENAI_KEY', {
    token: alice.token,
    body: text,
    headers: { 'content-type': 'text/plain' },
  });
  expect(rotated.body.secret.version).toBe(2);
  const list = await call(app.base, 'GET', '/v1/secrets', { token: alice.token });
  expect(list.body.secrets).toEqual([
    expect.objectContaining({
      owner: `user:${alice.id}`,
      name: 'OPENAI_KEY',
      version: 2,
      updatedBy: alice.id,
    }),
  ]);
  const one = await call(app.base, 'GET', '/v1/secrets/OPENAI_KEY', { token: alice.token });
  expect(one.status).toBe(200);
  const audit = await call(app.base, 'GET', '/v1/audit?action=secret', { token: admin });
  expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
    'secret.written',
    'secret.written',
  ]);
  const table = JSON.stringify(await app.dataSource.query('SELECT * FROM secrets'));
  for (const seen of [put, rotated, list, one, audit].map((a) => JSON.stringify(a.body)).concat(table)) {
    expect(seen).not.toContain(json);
    expect(seen).not.toContain(text);
  }
});

it("keeps owners apart: another user's secrets are invisible and answer 404; a team is written by editors", async () => {
  const [bob, carol, dave] = [await user('Bob'), await user('Carol'), await user('Dave')];
  await call(app.base, 'PUT', '/v1/secrets/SHARED_NAME', { token: bob.token, body: { value: marker() } });
  expect((await call(app.base, 'GET', '/v1/secrets', { token: carol.token })).body.secrets).toEqual([]);
  expect((await call(app.base, 'GET', '/v1/secrets/SHARED_NAME', { token: carol.token })).status).toBe(404);
  expect((await call(app.base, 'DELETE', '/v1/secrets/SHARED_NAME', { token: carol.token })).status).toBe(
    404,
  );

  const team = await call(app.base, 'POST', '/v1/teams', {
    token: admin,
    body: { name: 'secrets-team', owner: bob.id },
  });
  const teamId = team.body.id as string;
  await call(app.base, 'POST', `/v1/teams/${teamId}/members`, {
    token: bob.token,
    body: { userId: carol.id, role: 'viewer' },
  });
  const byOwner = await call(app.base, 'PUT', `/v1/secrets/TEAM_KEY?team=${teamId}`, {
    token: bob.token,
    body: { value: marker() },
  });
  expect(byOwner.body.secret.owner).toBe(`team:${teamId}`);
  // A viewer sees the name, may not write it; a stranger does not even learn the team exists.
  const carolList = await call(app.base, 'GET', '/v1/secrets', { token: carol.token });
  expect(carolList.body.secrets.map((s: { name: string }) => s.name)).toEqual(['TEAM_KEY']);
  const viewerPut = await call(app.base, 'PUT', `/v1/secrets/TEAM_KEY?team=${teamId}`, {
    token: carol.token,
    body: { value: marker() },
  });
  expect(viewerPut.status).toBe(403);
  expect((await call(app.base, 'GET', `/v1/secrets?team=${teamId}`, { token: dave.token })).status).toBe(404);
  expect(
    (
      await call(app.base, 'PUT', `/v1/secrets/TEAM_KEY?team=${teamId}`, {
        token: dave.token,
        body: { value: marker() },
      })
    ).status,
  ).toBe(404);

  const deleted = await call(app.base, 'DELETE', `/v1/secrets/TEAM_KEY?team=${teamId}`, { token: bob.token });
  expect(deleted.status).toBe(200);
  expect(
    (await call(app.base, 'GET', `/v1/secrets/TEAM_KEY?team=${teamId}`, { token: bob.token })).status,
  ).toBe(404);
});

it('refuses bad names, short values and bodies without a value, without echoing the value', async () => {
  const erin = await user('Erin');
  expect(
    (await call(app.base, 'PUT', '/v1/secrets/9lives', { token: erin.token, body: { value: 'long-enough' } }))
      .status,
  ).toBe(400);
  const short = await call(app.base, 'PUT', '/v1/secrets/SHORT', {
    token: erin.token,
    body: { value: 'q7z' },
  });
  expect(short.status).toBe(400);
  expect(JSON.stringify(short.body)).not.toContain('q7z');
  expect(
    (await call(app.base, 'PUT', '/v1/secrets/NOVALUE', { token: erin.token, body: { other: 1 } })).status,
  ).toBe(400);
});

it('variables: versions, history, deletion kept as a version, per owner', async () => {
  const [fay, gus] = [await user('Fay'), await user('Gus')];
  expect(
    (await call(app.base, 'PUT', '/v1/variables/region', { token: fay.token, body: { value: 'eu' } })).body
      .variable.version,
  ).toBe(1);
  expect(
    (await call(app.base, 'PUT', '/v1/variables/region', { token: fay.token, body: { value: 'us' } })).body
      .variable.version,
  ).toBe(2);
  const one = await call(app.base, 'GET', '/v1/variables/region', { token: fay.token });
  expect(one.body.variable).toMatchObject({
    name: 'region',
    value: 'us',
    version: 2,
    owner: `user:${fay.id}`,
  });
  expect(one.body.versions.map((v: { version: number; value: unknown }) => [v.version, v.value])).toEqual([
    [2, 'us'],
    [1, 'eu'],
  ]);
  expect((await call(app.base, 'GET', '/v1/variables', { token: gus.token })).body.variables).toEqual([]);
  expect((await call(app.base, 'GET', '/v1/variables/region', { token: gus.token })).status).toBe(404);
  expect(
    (await call(app.base, 'DELETE', '/v1/variables/region', { token: fay.token })).body.deleted.version,
  ).toBe(3);
  expect((await call(app.base, 'GET', '/v1/variables/region', { token: fay.token })).status).toBe(404);
  expect((await call(app.base, 'GET', '/v1/variables', { token: fay.token })).body.variables).toEqual([]);
  const audit = await call(app.base, 'GET', '/v1/audit?action=variable', { token: admin });
  expect(audit.body.entries.map((e: { action: string }) => e.action)).toEqual([
    'variable.deleted',
    'variable.written',
    'variable.written',
  ]);
});

it('without a master key: writes answer 503 naming the settings, listing still works', async () => {
  const locked = await startIngressTestApp({}, { natsUrl: nats.url });
  try {
    const put = await call(locked.base, 'PUT', '/v1/secrets/ANY_KEY', {
      token: locked.adminToken,
      body: { value: 'some-value' },
    });
    expect(put.status).toBe(503);
    expect(put.body.error.message).toContain('CHAINMAIL_MASTER_KEY or CHAINMAIL_MASTER_KEY_FILE');
    expect((await call(locked.base, 'GET', '/v1/secrets', { token: locked.adminToken })).status).toBe(200);
  } finally {
    await locked.close();
  }
  // Another app with its own database and migrations: past 5 s on a busy machine.
}, 30_000);
