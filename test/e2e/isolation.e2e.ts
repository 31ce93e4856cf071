import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Two users of one installation, through the built services run apart (ingress, registry,
 * execution, projector): Ann publishes and runs; Bob sees none of it — not her workflow, her run,
 * its events (JSON or live), nor may he start it — and each lists only their own. A run of Bob's
 * acts with Bob's rights: Ann's agent and Ann's workflow are refused to it at run time.
 */

interface User {
  id: string;
  token: string;
}
interface RunBody {
  id: string;
  status: string;
  owner: string;
  actor: string;
  error: { code: string; message: string } | null;
}

let chainmail: ChainmailUnderTest;
let ann: User;
let bob: User;
let annRun: string;

const as = <T = unknown>(who: User, method: string, path: string, body?: unknown, type?: string) =>
  http<T>(chainmail.base, method, path, body, type, who.token);

async function user(name: string): Promise<User> {
  const created = await http<{ id: string }>(chainmail.base, 'POST', '/v1/users', { name });
  expect(created.status).toBe(201);
  const token = await http<{ token: string }>(chainmail.base, 'POST', '/v1/tokens', {
    name: `${name}'s laptop`,
    userId: created.body.id,
    scopes: ['read', 'run', 'write'],
  });
  expect(token.status).toBe(201);
  return { id: created.body.id, token: token.body.token };
}

/** Published once the registry answers (it starts beside ingress). */
async function publish(who: User, source: string): Promise<void> {
  await eventually(
    async () => {
      const answer = await as(who, 'POST', '/v1/workflows', source, 'application/yaml');
      if (answer.status === 201) return true;
      if (answer.status >= 500) return undefined;
      throw new Error(`publish answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    },
    20_000,
    'the registry to publish',
  );
}

async function runToEnd(who: User, workflow: string): Promise<RunBody> {
  const started = await as<{ runId: string }>(who, 'POST', `/v1/workflows/${workflow}/runs`, { inputs: {} });
  expect(started.status).toBe(202);
  return eventually(
    async () => {
      const run = await as<RunBody>(who, 'GET', `/v1/runs/${started.body.runId}`);
      return run.status === 200 && run.body.status !== 'running' ? run.body : undefined;
    },
    20_000,
    `${workflow} to end`,
  );
}

beforeAll(async () => {
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'ingress']);
  ann = await user('Ann');
  bob = await user('Bob');
  await publish(
    ann,
    'name: ann-flow\nsteps:\n  - id: shout\n    agent: uppercase@\n    input: secret plans\n',
  );
  const helper = await as(ann, 'PUT', '/v1/agents/ann-helper@', {
    kind: 'http',
    config: { url: 'https://agents.example/ann' },
  });
  expect(helper.status).toBe(200);
  const run = await runToEnd(ann, 'ann-flow');
  expect(run.status).toBe('succeeded');
  annRun = run.id;
}, 90_000);

afterAll(async () => {
  await chainmail?.stop();
});

it("records the run as Ann's, started by Ann through the API", async () => {
  const events = await as<{ events: { type: string; data: Record<string, unknown> }[] }>(
    ann,
    'GET',
    `/v1/runs/${annRun}/events`,
  );
  expect(events.body.events[0]).toMatchObject({
    type: 'RunStarted',
    data: { owner: `user:${ann.id}`, actor: ann.id, trigger: { kind: 'api' } },
  });
});

it("hides Ann's workflow, run and events from Bob, and does not let him start it", async () => {
  const refused = [
    await as(bob, 'GET', '/v1/workflows/ann-flow'),
    await as(bob, 'GET', '/v1/workflows/ann-flow/versions'),
    await as(bob, 'POST', '/v1/workflows/ann-flow/runs', { inputs: {} }),
    await as(bob, 'POST', '/v1/workflows/ann-flow/rollback', { version: 1 }),
    await as(bob, 'GET', `/v1/runs/${annRun}`),
    await as(bob, 'GET', `/v1/runs/${annRun}/events`),
    await as(bob, 'GET', `/v1/runs/${annRun}/deliveries`),
    await as(bob, 'POST', `/v1/runs/${annRun}/cancel`),
    await as(bob, 'GET', '/v1/agents/ann-helper@'),
    await as(bob, 'DELETE', '/v1/agents/ann-helper@'),
  ];
  expect(refused.map((r) => r.status)).toEqual(refused.map(() => 404));
  for (const answer of refused) expect(JSON.stringify(answer.body)).not.toMatch(/SECRET PLANS|secret plans/);

  const live = await fetch(`${chainmail.base}/v1/runs/${annRun}/events`, {
    headers: { authorization: `Bearer ${bob.token}`, accept: 'text/event-stream' },
  });
  expect(live.status).toBe(404);
  expect(live.headers.get('content-type')).toContain('application/json');
  expect(await live.text()).not.toContain('RunStarted');
});

it('lists to each only their own workflows and runs', async () => {
  await publish(bob, 'name: bob-flow\nsteps:\n  - id: say\n    agent: echo@\n    input: hello\n');
  const bobRun = await runToEnd(bob, 'bob-flow');
  const names = async (who: User) =>
    (await as<{ workflows: { name: string }[] }>(who, 'GET', '/v1/workflows')).body.workflows.map(
      (w) => w.name,
    );
  expect(await names(ann)).toEqual(['ann-flow']);
  expect(await names(bob)).toEqual(['bob-flow']);
  // The runs listing is the projector's read model: wait for both runs to be there.
  const runs = async (who: User) =>
    eventually(
      async () => {
        const ids = (await as<{ runs: { id: string }[] }>(who, 'GET', '/v1/runs')).body.runs.map((r) => r.id);
        return ids.length > 0 ? ids : undefined;
      },
      10_000,
      'runs to be listed',
    );
  expect(await runs(ann)).toEqual([annRun]);
  expect(await runs(bob)).toEqual([bobRun.id]);
  const admin = await http<{ runs: { id: string }[] }>(chainmail.base, 'GET', '/v1/runs');
  expect(admin.body.runs).toEqual([]);
});

it("acts with Bob's rights in Bob's runs: Ann's agent and Ann's workflow are refused at run time", async () => {
  await publish(bob, 'name: bob-borrows\nsteps:\n  - id: ask\n    agent: ann-helper@\n    input: hello\n');
  const borrowed = await runToEnd(bob, 'bob-borrows');
  expect(borrowed).toMatchObject({
    status: 'failed',
    owner: `user:${bob.id}`,
    error: { code: 'AGENT_FORBIDDEN' },
  });

  await publish(bob, 'name: bob-nests\nsteps:\n  - id: sub\n    workflow: ann-flow\n    input: hello\n');
  const nested = await runToEnd(bob, 'bob-nests');
  expect(nested).toMatchObject({ status: 'failed', error: { code: 'WORKFLOW_FORBIDDEN' } });
  // Nothing of Ann's ran for him.
  const annRuns = await as<{ runs: { id: string }[] }>(ann, 'GET', '/v1/runs');
  expect(annRuns.body.runs.map((r) => r.id)).toEqual([annRun]);
});
