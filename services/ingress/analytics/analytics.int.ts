import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { projectCommits, RunProjectionWriter } from '@chainmail/persistence';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * /v1/analytics over HTTP: figures of the caller's runs only (another owner's workflow is 404 and
 * its runs count nowhere), windows and versions as asked, and a 400 naming the field otherwise.
 */

let nats: NatsServerHandle;
let app: IngressTestApp;
let alice: { id: string; token: string };
let bob: { id: string; token: string };
let seq = 0;

beforeAll(async () => {
  nats = await startNatsServer();
  app = await startIngressTestApp({}, { natsUrl: nats.url });
  alice = await user('Alice');
  bob = await user('Bob');
  app.publish(flow('alice-flow'), `user:${alice.id}`);
  app.publish(flow('bob-flow'), `user:${bob.id}`);
  const writer = new RunProjectionWriter(app.dataSource);
  const hourAgo = Date.now() - 3_600_000;
  await writer.write(
    projectCommits([
      ...run('a1', 'alice-flow', 1, alice.id, hourAgo, { ok: true, ms: 100 }),
      ...run('a2', 'alice-flow', 2, alice.id, hourAgo + 60_000, { ok: false, ms: 300 }),
      ...run('b1', 'bob-flow', 1, bob.id, hourAgo, { ok: true, ms: 50 }),
    ]),
  );
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
});

async function user(name: string): Promise<{ id: string; token: string }> {
  const created = await call(app.base, 'POST', '/v1/users', { token: app.adminToken, body: { name } });
  const token = await call(app.base, 'POST', '/v1/tokens', {
    token: app.adminToken,
    body: { name: `${name}'s`, userId: created.body.id, scopes: ['read'] },
  });
  return { id: created.body.id as string, token: token.body.token as string };
}

const flow = (name: string): string => `name: ${name}
trigger: { type: webhook, path: ${name} }
steps:
  - { id: ask, agent: ${name}@, input: "{{user_input}}" }
`;

/** A run of one step, as execution would log it. */
function run(
  id: string,
  workflow: string,
  version: number,
  userId: string,
  start: number,
  outcome: { ok: boolean; ms: number },
): StoredRunCommit[] {
  const at = (ms: number): string => new Date(start + ms).toISOString();
  const events: RunEvent[] = [
    makeRunEvent('RunStarted', id, at(0), {
      workflow,
      version,
      inputs: {},
      trigger: { kind: 'api' },
      owner: `user:${userId}`,
      actor: userId,
      debug: false,
      commandId: `start-${id}`,
      timeoutMs: 60_000,
    }),
    makeRunEvent('StepStarted', id, at(1), { stepId: 'ask', visit: 1, attempt: 1, agent: `${workflow}@` }),
    outcome.ok
      ? makeRunEvent('StepSucceeded', id, at(outcome.ms), {
          stepId: 'ask',
          visit: 1,
          attempt: 1,
          output: 'x',
          durationMs: outcome.ms,
          usage: { promptTokens: 7, completionTokens: 3, costUsd: 0.5 },
        })
      : makeRunEvent('StepFailed', id, at(outcome.ms), {
          stepId: 'ask',
          visit: 1,
          attempt: 1,
          durationMs: outcome.ms,
          error: { code: 'AGENT_HTTP_ERROR', message: '500', retryable: false },
        }),
    outcome.ok
      ? makeRunEvent('RunSucceeded', id, at(outcome.ms + 1), { output: 'x', durationMs: outcome.ms + 1 })
      : makeRunEvent('RunFailed', id, at(outcome.ms + 1), {
          error: { code: 'STEP_FAILED', message: 'ask failed', retryable: false, stepId: 'ask' },
          durationMs: outcome.ms + 1,
        }),
  ];
  return events.map((event) => ({ runId: id, prev: 0, seq: ++seq, events: [event] }));
}

it("answers a workflow's figures to its owner: runs, steps, errors, series", async () => {
  const answer = await call(app.base, 'GET', '/v1/analytics/workflows/alice-flow', { token: alice.token });
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    workflow: 'alice-flow',
    version: null,
    bucket: 'day',
    runs: 2,
    succeeded: 1,
    failed: 1,
    successRate: 0.5,
    latencyMs: { p50: 201 },
    cost: 0.5,
    tokens: 10,
    errors: [{ code: 'STEP_FAILED', count: 1 }],
    steps: [
      {
        id: 'ask',
        agent: 'alice-flow@',
        runs: 2,
        successRate: 0.5,
        latencyMs: { p50: 200, p95: 290, p99: 298 },
        retries: 0,
        cost: 0.5,
        errors: [{ code: 'AGENT_HTTP_ERROR', count: 1 }],
      },
    ],
  });
  // The default window is the last 7 days, by day: 8 buckets (the first and last partly).
  expect(answer.body.series).toHaveLength(8);
  const v2 = await call(app.base, 'GET', '/v1/analytics/workflows/alice-flow?version=2&bucket=hour', {
    token: alice.token,
  });
  expect(v2.body).toMatchObject({ version: 2, runs: 1, failed: 1, successRate: 0 });
});

it("is 404 for another owner's workflow, and counts only the caller's runs elsewhere", async () => {
  const hidden = await call(app.base, 'GET', '/v1/analytics/workflows/alice-flow', { token: bob.token });
  expect(hidden.status).toBe(404);
  expect(hidden.body.error.code).toBe('WORKFLOW_NOT_FOUND');

  const overview = await call(app.base, 'GET', '/v1/analytics/overview', { token: bob.token });
  expect(overview.body).toMatchObject({
    runs: 1,
    succeeded: 1,
    workflows: [{ workflow: 'bob-flow', runs: 1 }],
  });
  expect(overview.body.workflows).toHaveLength(1);

  const agents = await call(app.base, 'GET', '/v1/analytics/agents', { token: alice.token });
  expect(agents.body.agents).toEqual([
    expect.objectContaining({ agent: 'alice-flow@', calls: 2, succeeded: 1, failed: 1, workflows: 1 }),
  ]);
});

it('answers 400 naming the field for a window it cannot answer', async () => {
  const cases: Array<[string, string]> = [
    ['since=2030-01-02T00:00:00Z&until=2030-01-01T00:00:00Z', 'since'],
    ['since=yesterday', 'since'],
    ['version=0', 'version'],
    ['bucket=week', 'bucket'],
    ['since=2000-01-01T00:00:00Z&bucket=hour', 'bucket'],
  ];
  for (const [query, field] of cases) {
    const answer = await call(app.base, 'GET', `/v1/analytics/workflows/alice-flow?${query}`, {
      token: alice.token,
    });
    expect({
      query,
      status: answer.status,
      fields: answer.body.error?.details?.issues?.map((i: { field: string }) => i.field),
    }).toEqual({
      query,
      status: 400,
      fields: [field],
    });
  }
});
