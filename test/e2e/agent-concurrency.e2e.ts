import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { listen, type LocalServer } from '../support/local-agents';

/**
 * `concurrency: 1` on an agent holds across execution replicas: two execution processes, an HTTP
 * agent whose server counts the requests in progress, six runs at once. Calls that find the slot
 * taken wait (StepDeferred, a durable resume timer) without using up an attempt; every run succeeds.
 */

let chainmail: ChainmailUnderTest;
/** The API of the Chainmail under test, with its admin token. */
const call = <T = unknown>(method: string, path: string, body?: unknown, contentType?: string) =>
  http<T>(chainmail.base, method, path, body, contentType);
let agent: LocalServer;
let inProgress = 0;
let maxInProgress = 0;

const WORKFLOW = `
name: one-at-a-time
steps:
  - id: ask
    agent: busy@
    input: "question {{ user_input }}"
    timeout: 1m
`;

beforeAll(async () => {
  agent = await listen(async (body, _req, res) => {
    inProgress++;
    maxInProgress = Math.max(maxInProgress, inProgress);
    await new Promise((r) => setTimeout(r, 250));
    inProgress--;
    const { input } = JSON.parse(body) as { input: string };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `answer to ${input}` }));
  });
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'scheduling', 'ingress'], {
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
  });
  await chainmail.start('execution', 'execution-2');
  const put = await call('PUT', '/v1/agents/busy@', {
    kind: 'http',
    config: { url: `${agent.url}/ask` },
    concurrency: 1,
  });
  expect(put.status).toBe(200);
  expect((await call('POST', '/v1/workflows', WORKFLOW, 'application/yaml')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await agent?.close();
});

it('makes one call at a time across two execution replicas, and every run succeeds', async () => {
  const started = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      call<{ runId: string }>('POST', '/v1/workflows/one-at-a-time/runs', {
        inputs: { user_input: String(i) },
      }),
    ),
  );
  const ids = started.map((s) => {
    expect(s.status).toBe(202);
    return s.body.runId;
  });
  const runs = await eventually(
    async () => {
      const bodies = await Promise.all(
        ids.map(
          async (id) => (await call<{ status: string; output: string | null }>('GET', `/v1/runs/${id}`)).body,
        ),
      );
      return bodies.every((b) => b?.status !== undefined && b.status !== 'running') ? bodies : undefined;
    },
    45_000,
    'six runs to end',
  );
  expect(runs.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
  expect(runs.map((r) => r.output).sort()).toEqual(
    Array.from({ length: 6 }, (_, i) => `answer to question ${i}`),
  );
  expect(agent.requests).toHaveLength(6);
  expect(maxInProgress).toBe(1);

  // The waits were deferrals, not attempts: every call is attempt 1, and some runs waited.
  const events = await Promise.all(
    ids.map(
      async (id) =>
        (
          await call<{ events: { type: string; data: { attempt?: number } }[] }>(
            'GET',
            `/v1/runs/${id}/events`,
          )
        ).body.events,
    ),
  );
  const all = events.flat();
  expect(all.filter((e) => e.type === 'StepStarted').every((e) => e.data.attempt === 1)).toBe(true);
  expect(all.some((e) => e.type === 'StepDeferred')).toBe(true);
  expect(all.filter((e) => e.type === 'StepResumed').length).toBeGreaterThan(0);
}, 60_000);
