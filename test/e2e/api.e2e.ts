import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'nats';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/** The seed's headline through the REST API, against the built all-in-one process. */

interface RunBody {
  status: string;
  output: string | null;
  steps: { stepId: string; status: string; agent: string; input: string; output: string }[];
}

let chainmail: ChainmailUnderTest;
let seedWorkflow: string;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  seedWorkflow = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

const runUntilDone = (id: string): Promise<RunBody> =>
  eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${id} to end`,
  );

it('publishes the seed workflow and runs it to succeeded with four chained steps', async () => {
  const published = await http<{ name: string; version: number }>(
    chainmail.base,
    'POST',
    '/v1/workflows',
    seedWorkflow,
    'application/yaml',
  );
  expect(published.status).toBe(201);
  expect(published.body).toMatchObject({ name: 'competitor-analysis', version: 1 });

  const started = await http<{ runId: string }>(
    chainmail.base,
    'POST',
    '/v1/workflows/competitor-analysis/runs',
    {
      inputs: { user_input: 'Analyze our competitors in the CRM space' },
    },
  );
  expect(started.status).toBe(202);

  const run = await runUntilDone(started.body.runId);
  expect(run.status).toBe('succeeded');
  expect(run.steps.map((s) => [s.stepId, s.status, s.agent])).toEqual([
    ['research', 'succeeded', 'research@'],
    ['summarize', 'succeeded', 'summarize@'],
    ['draft', 'succeeded', 'write-report@'],
    ['review', 'succeeded', 'proofread@'],
  ]);
  expect(run.steps[0].input).toBe('Research competitors for: Analyze our competitors in the CRM space');
  for (let i = 1; i < run.steps.length; i++) expect(run.steps[i].input).toContain(run.steps[i - 1].output);
  expect(run.output).toBe(run.steps[3].output);

  const events = await http<{ events: { type: string; seq: number }[] }>(
    chainmail.base,
    'GET',
    `/v1/runs/${started.body.runId}/events`,
  );
  expect(events.status).toBe(200);
  const types = events.body.events.map((e) => e.type);
  expect(types[0]).toBe('RunStarted');
  expect(types.at(-1)).toBe('RunSucceeded');
  expect(types.filter((t) => t === 'StepSucceeded')).toHaveLength(4);
  const seqs = events.body.events.map((e) => e.seq);
  expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

  const listed = await eventually(async () => {
    const res = await http<{ runs: { id: string; status: string }[] }>(
      chainmail.base,
      'GET',
      '/v1/runs?workflow=competitor-analysis&status=succeeded',
    );
    return res.body.runs.some((r) => r.id === started.body.runId) ? res.body.runs : undefined;
  });
  expect(listed.length).toBeGreaterThan(0);
});

it('decides a REST start in the process that received it; a caller-chosen run id goes through the command stream', async () => {
  const flow = [
    'name: local-start',
    'triggers:',
    '  - { type: webhook, path: local-start, public: true }',
    'steps:',
    '  - { id: a, agent: echo@, input: "{{user_input}}" }',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', flow, 'application/yaml')).status).toBe(201);
  const nc = await connect({ servers: chainmail.natsUrl });
  try {
    const jsm = await nc.jetstreamManager();
    const commandsSent = async (): Promise<number> => (await jsm.streams.info('COMMANDS')).state.last_seq;
    const before = await commandsSent();

    const started = await http<{ runId: string; status: string }>(
      chainmail.base,
      'POST',
      '/v1/workflows/local-start/runs?wait=true',
      { inputs: { user_input: 'here' } },
    );
    expect(started.status).toBe(200);
    expect(started.body.status).toBe('succeeded');
    expect((await runUntilDone(started.body.runId)).output).toBe('here');
    expect(await commandsSent()).toBe(before);

    // A webhook's Idempotency-Key chooses the run id: its start is queued, and a repeat is one run.
    const hook = (): Promise<Response> =>
      fetch(`${chainmail.base}/hooks/local-start`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'local-start-1' },
        body: JSON.stringify({ user_input: 'queued' }),
      });
    const first = (await (await hook()).json()) as { runId: string };
    const again = (await (await hook()).json()) as { runId: string };
    expect(again.runId).toBe(first.runId);
    expect(await commandsSent()).toBe(before + 1);
    expect((await runUntilDone(first.runId)).status).toBe('succeeded');
  } finally {
    await nc.close();
  }
});

it('refuses an invalid definition with line and column and stores nothing', async () => {
  const before = await http<{ workflows: unknown[] }>(chainmail.base, 'GET', '/v1/workflows');
  const bad = [
    'name: broken-flow',
    'steps:',
    '  - name: first',
    '    agent: echo@',
    '    inptu: "hello"',
    '',
  ].join('\n');
  const res = await http<{
    error: { code: string; details: { issues: { code: string; line: number; column: number }[] } };
  }>(chainmail.base, 'POST', '/v1/workflows', bad, 'application/yaml');
  expect(res.status).toBe(422);
  expect(res.body.error.code).toBe('WORKFLOW_INVALID');
  expect(res.body.error.details.issues[0]).toMatchObject({ code: 'UNKNOWN_KEY', line: 5, column: 5 });
  const after = await http<{ workflows: unknown[] }>(chainmail.base, 'GET', '/v1/workflows');
  expect(after.body.workflows).toEqual(before.body.workflows);
  expect((await http(chainmail.base, 'GET', '/v1/workflows/broken-flow')).status).toBe(404);
});

it('versions each publish, pins runs to their version and rolls back', async () => {
  const v = (text: string): string =>
    ['name: pinned', 'steps:', '  - name: only', '    agent: echo@', `    input: "${text}"`, ''].join('\n');
  expect(
    (await http(chainmail.base, 'POST', '/v1/workflows', v('one'), 'application/yaml')).body,
  ).toMatchObject({ version: 1 });
  expect(
    (await http(chainmail.base, 'POST', '/v1/workflows', v('two'), 'application/yaml')).body,
  ).toMatchObject({ version: 2 });
  const versions = await http<{ versions: { version: number; active: boolean }[] }>(
    chainmail.base,
    'GET',
    '/v1/workflows/pinned/versions',
  );
  expect(versions.body.versions.map((x) => [x.version, x.active])).toEqual([
    [1, false],
    [2, true],
  ]);
  const onTwo = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/pinned/runs', {});
  expect((await http(chainmail.base, 'POST', '/v1/workflows/pinned/rollback', { version: 1 })).status).toBe(
    200,
  );
  const onOne = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/pinned/runs', {});
  expect((await runUntilDone(onTwo.body.runId)).output).toBe('two');
  expect((await runUntilDone(onOne.body.runId)).output).toBe('one');
  const missing = await http<{ error: { code: string } }>(
    chainmail.base,
    'POST',
    '/v1/workflows/pinned/rollback',
    { version: 9 },
  );
  expect(missing.status).toBe(404);
  expect(missing.body.error.code).toBe('VERSION_NOT_FOUND');
});

it('answers unknown workflows and runs with 404 in the error format', async () => {
  const run = await http<{ error: { code: string; message: string } }>(
    chainmail.base,
    'GET',
    '/v1/runs/nope',
  );
  expect(run.status).toBe(404);
  expect(run.body.error.code).toBe('RUN_NOT_FOUND');
  const start = await http<{ error: { code: string } }>(
    chainmail.base,
    'POST',
    '/v1/workflows/nope/runs',
    {},
  );
  expect(start.status).toBe(404);
  expect(start.body.error.code).toBe('WORKFLOW_NOT_FOUND');
});

it('refuses a body over the limit with 413', async () => {
  const huge = 'name: x\n# ' + 'a'.repeat(1_100_000);
  const res = await http<{ error: { code: string } }>(
    chainmail.base,
    'POST',
    '/v1/workflows',
    huge,
    'application/yaml',
  );
  expect(res.status).toBe(413);
  expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
});
