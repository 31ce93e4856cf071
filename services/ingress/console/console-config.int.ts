import { makeRunEvent } from '@chainmail/contracts';
import { projectCommits, RunProjectionWriter } from '@chainmail/persistence';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * What the console learns from the server to link a run to its trace: the trace viewer's address
 * template (`GET /v1/console/config`, any signed-in caller) and the run's trace id (its view).
 */

const TEMPLATE = 'http://localhost:16686/trace/{traceId}';
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

let nats: NatsServerHandle;
let app: IngressTestApp;

beforeAll(async () => {
  nats = await startNatsServer();
  app = await startIngressTestApp({ traceUrlTemplate: TEMPLATE }, { natsUrl: nats.url });
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
});

it('answers the trace URL template to any signed-in caller, without the read scope too, and 401 without a token', async () => {
  const user = await call(app.base, 'POST', '/v1/users', { token: app.adminToken, body: { name: 'Reader' } });
  const scopeless = await call(app.base, 'POST', '/v1/tokens', {
    token: app.adminToken,
    body: { name: 'run only', userId: user.body.id, scopes: ['run'] },
  });
  expect(scopeless.status).toBe(201);
  const answer = await call(app.base, 'GET', '/v1/console/config', { token: scopeless.body.token });
  expect(answer).toMatchObject({ status: 200, body: { traceUrlTemplate: TEMPLATE } });
  expect((await call(app.base, 'GET', '/v1/console/config')).status).toBe(401);
});

it("answers a run's trace id in its view", async () => {
  app.publish('name: traced\nsteps:\n  - { id: a, agent: echo@, input: "x" }\n');
  const at = new Date().toISOString();
  const started = makeRunEvent('RunStarted', 'traced-run', at, {
    workflow: 'traced',
    version: 1,
    inputs: {},
    trigger: { kind: 'api' },
    owner: await adminOwner(),
    actor: 'admin',
    debug: false,
    commandId: 'start-traced-run',
    timeoutMs: 60_000,
  });
  await new RunProjectionWriter(app.dataSource).write(
    projectCommits([{ runId: 'traced-run', prev: 0, seq: 1, events: [started], traceId: TRACE_ID }]),
  );
  const run = await call(app.base, 'GET', '/v1/runs/traced-run', { token: app.adminToken });
  expect(run).toMatchObject({ status: 200, body: { id: 'traced-run', traceId: TRACE_ID } });
});

/** The owner the admin's runs carry: `user:<id>` of the admin, as `/v1/me` names it. */
async function adminOwner(): Promise<string> {
  const me = await call(app.base, 'GET', '/v1/me', { token: app.adminToken });
  return `user:${me.body.user.id as string}`;
}
