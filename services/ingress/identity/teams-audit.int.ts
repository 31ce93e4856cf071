import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { REGISTRY_ROLLBACK_SUBJECT } from '@chainmail/contracts';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * Teams and roles, and the audit trail they leave (with token creation and revocation and a
 * rollback), against the real Postgres and NATS. The registry is played by this suite on a NATS
 * server of its own.
 */

/** The registry's rollback, played in the ingress process: it accepts every rollback. */
@Controller()
class RollbackStandIn {
  @MessagePattern(REGISTRY_ROLLBACK_SUBJECT)
  rollback(@Payload() request: { name: string; version: number }) {
    return { name: request.name, version: request.version, seq: 0 };
  }
}
@Module({ controllers: [RollbackStandIn] })
class RegistryStandIn {}

let nats: NatsServerHandle;
let app: IngressTestApp;
let admin: string;

beforeAll(async () => {
  nats = await startNatsServer();
  app = await startIngressTestApp({}, { natsUrl: nats.url, modules: [RegistryStandIn] });
  admin = app.adminToken;
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
});

async function user(name: string): Promise<{ id: string; token: string; tokenId: string }> {
  const created = await call(app.base, 'POST', '/v1/users', { token: admin, body: { name } });
  const token = await call(app.base, 'POST', '/v1/tokens', {
    token: admin,
    body: { name: `${name}'s`, userId: created.body.id, scopes: ['read', 'run', 'write'] },
  });
  return {
    id: created.body.id as string,
    token: token.body.token as string,
    tokenId: token.body.id as string,
  };
}

async function audit(
  query: string,
): Promise<
  { action: string; actor: { userId: string }; target: { id: string }; details: Record<string, unknown> }[]
> {
  const answer = await call(app.base, 'GET', `/v1/audit${query}`, { token: admin });
  expect(answer.status).toBe(200);
  return answer.body.entries;
}

it('an owner manages the team: adds, changes roles, keeps one owner; others cannot; every change is audited', async () => {
  const [bob, carol, dave] = [await user('Bob'), await user('Carol'), await user('Dave')];
  const team = await call(app.base, 'POST', '/v1/teams', {
    token: admin,
    body: { name: 'platform', owner: bob.id },
  });
  expect(team.status).toBe(201);
  expect(team.body.members).toMatchObject([{ userId: bob.id, role: 'owner' }]);
  const teamId = team.body.id as string;
  expect(
    (await call(app.base, 'POST', '/v1/teams', { token: admin, body: { name: 'Platform' } })).status,
  ).toBe(409);

  const members = `/v1/teams/${teamId}/members`;
  const added = await call(app.base, 'POST', members, {
    token: bob.token,
    body: { userId: carol.id, role: 'viewer' },
  });
  expect(added.body).toMatchObject({ outcome: 'added', role: 'viewer' });
  const changed = await call(app.base, 'PATCH', `${members}/${carol.id}`, {
    token: bob.token,
    body: { role: 'editor' },
  });
  expect(changed.body).toMatchObject({ outcome: 'changed', role: 'editor' });
  const same = await call(app.base, 'POST', members, {
    token: bob.token,
    body: { userId: carol.id, role: 'editor' },
  });
  expect(same.body.outcome).toBe('unchanged');

  // The caller's roles are live: Carol's /v1/me shows the team at once.
  const me = await call(app.base, 'GET', '/v1/me', { token: carol.token });
  expect(me.body.teams).toEqual([{ id: teamId, name: 'platform', role: 'editor' }]);

  const byEditor = await call(app.base, 'POST', members, {
    token: carol.token,
    body: { userId: dave.id, role: 'viewer' },
  });
  expect(byEditor.status).toBe(403);
  const byStranger = await call(app.base, 'GET', `/v1/teams/${teamId}`, { token: dave.token });
  expect(byStranger.status).toBe(404);
  expect(byStranger.body.error.code).toBe('TEAM_NOT_FOUND');
  expect((await call(app.base, 'GET', '/v1/teams', { token: dave.token })).body.teams).toEqual([]);
  expect(
    (await call(app.base, 'GET', '/v1/teams', { token: admin })).body.teams.map((t: { id: string }) => t.id),
  ).toContain(teamId);

  const lastOwner = await call(app.base, 'PATCH', `${members}/${bob.id}`, {
    token: bob.token,
    body: { role: 'editor' },
  });
  expect(lastOwner.status).toBe(409);
  expect((await call(app.base, 'DELETE', `${members}/${bob.id}`, { token: bob.token })).status).toBe(409);
  expect(
    (await call(app.base, 'POST', members, { token: bob.token, body: { userId: carol.id, role: 'boss' } }))
      .status,
  ).toBe(400);
  const removed = await call(app.base, 'DELETE', `${members}/${carol.id}`, { token: bob.token });
  expect(removed.body.outcome).toBe('removed');

  const entries = await audit(`?target=${teamId}`);
  expect(entries.map((e) => e.action)).toEqual([
    'team.member.removed',
    'team.member.role_changed',
    'team.member.added',
    'team.member.added',
    'team.created',
  ]);
  expect(entries[1]).toMatchObject({
    actor: { userId: bob.id },
    details: { userId: carol.id, from: 'viewer', to: 'editor' },
  });
});

it('records token creation and revocation with who did it, newest first, filtered by action', async () => {
  const erin = await user('Erin');
  const own = await call(app.base, 'POST', '/v1/tokens', {
    token: erin.token,
    body: { name: 'ci', scopes: ['read'] },
  });
  await call(app.base, 'DELETE', `/v1/tokens/${own.body.id}`, { token: erin.token });

  const tokens = await audit(`?action=token&actor=${erin.id}`);
  expect(tokens.map((e) => [e.action, e.target.id])).toEqual([
    ['token.revoked', own.body.id],
    ['token.created', own.body.id],
  ]);
  expect(tokens[1].details).toMatchObject({ userId: erin.id, name: 'ci', scopes: ['read'] });
  expect(JSON.stringify(tokens)).not.toContain(own.body.token);
  // The admin's token for Erin, and the first start's admin token, by the system.
  const created = await audit(`?action=token.created&target=${erin.tokenId}`);
  expect(created).toMatchObject([{ actor: { userId: 'usr_admin' }, details: { userId: erin.id } }]);
  const system = await audit('?actor=system');
  expect(system).toMatchObject([{ action: 'token.created', details: { userId: 'usr_admin' } }]);
});

it('records a rollback with the version it left and the one it made active', async () => {
  app.publish('name: rolled\nsteps:\n  - { id: a, agent: echo@, input: "one" }\n');
  app.publish('name: rolled\nsteps:\n  - { id: a, agent: echo@, input: "two" }\n');
  const rolled = await call(app.base, 'POST', '/v1/workflows/rolled/rollback', {
    token: admin,
    body: { version: 1 },
  });
  expect(rolled.status).toBe(200);
  expect(await audit('?action=workflow.rolled_back')).toMatchObject([
    { actor: { userId: 'usr_admin' }, target: { id: 'rolled' }, details: { fromVersion: 2, toVersion: 1 } },
  ]);
});

it('pages with before=<seq> and refuses a bad limit', async () => {
  const first = await call(app.base, 'GET', '/v1/audit?limit=2', { token: admin });
  expect(first.body.entries).toHaveLength(2);
  expect(first.body.next).toBe(first.body.entries[1].seq);
  const second = await call(app.base, 'GET', `/v1/audit?limit=2&before=${first.body.next}`, { token: admin });
  expect(second.body.entries[0].seq).toBeLessThan(first.body.next);
  expect((await call(app.base, 'GET', '/v1/audit?limit=0', { token: admin })).status).toBe(400);
});
