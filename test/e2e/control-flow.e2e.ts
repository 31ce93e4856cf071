import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Control flow against the built all-in-one process (execution, scheduling's durable timers,
 * projector, ingress): the shipped examples and a few workflows written here, through REST.
 */

interface RunBody {
  id: string;
  status: string;
  output: string | null;
  error: { code: string; message: string; stepId?: string } | null;
  steps: { stepId: string; status: string; visit: number; attempts: number; output: string | null }[];
}
interface LoggedEvent {
  type: string;
  at: string;
  data: Record<string, unknown> & { stepId?: string; attempt?: number; visit?: number };
}

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  // The sub-workflow example runs the seed workflow: publish that first.
  for (const file of [
    'competitor-analysis.yaml',
    'parallel-research.yaml',
    'retry-backoff.yaml',
    'step-timeout.yaml',
    'triage-switch.yaml',
    'per-item-foreach.yaml',
    'fallback-goto.yaml',
    'sub-workflow.yaml',
    'human-review.yaml',
  ]) {
    await publish(await readFile(join(ROOT, 'examples', file), 'utf8'));
  }
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

async function publish(source: string): Promise<void> {
  const res = await http(chainmail.base, 'POST', '/v1/workflows', source, 'application/yaml');
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
}

async function start(workflow: string, inputs: Record<string, unknown> = {}): Promise<string> {
  const res = await http<{ runId: string }>(chainmail.base, 'POST', `/v1/workflows/${workflow}/runs`, {
    inputs,
  });
  expect(res.status).toBe(202);
  return res.body.runId;
}

async function events(runId: string): Promise<LoggedEvent[]> {
  const res = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${runId}/events`);
  return res.status === 200 ? res.body.events : [];
}

/** The run once it has ended: its log has a terminal event and the read model caught up. */
const ended = (runId: string, timeoutMs = 20_000): Promise<RunBody> =>
  eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
      return status === 200 && !['running', 'waiting'].includes(body.status) ? body : undefined;
    },
    timeoutMs,
    `run ${runId} to end`,
  );

const waitFor = (
  runId: string,
  what: string,
  test: (events: LoggedEvent[]) => boolean,
): Promise<LoggedEvent[]> =>
  eventually(
    async () => {
      const log = await events(runId);
      return test(log) ? log : undefined;
    },
    15_000,
    what,
  );

const span = (log: LoggedEvent[]): number => Date.parse(log.at(-1)?.at ?? '') - Date.parse(log[0]?.at ?? '');
const ofType = (log: LoggedEvent[], type: string, stepId?: string): LoggedEvent[] =>
  log.filter((e) => e.type === type && (stepId === undefined || e.data.stepId === stepId));

it('runs parallel agent calls at the same time: the wall time is near the slowest, not the sum', async () => {
  await publish(`name: parallel-sleep
steps:
  - id: together
    parallel:
      - { id: a, agent: sleep@, input: "1000" }
      - { id: b, agent: sleep@, input: "1200" }
      - { id: c, agent: sleep@, input: "1500" }
output: "{{ together.output }}"
`);
  const runId = await start('parallel-sleep');
  const run = await ended(runId);
  expect(run.status).toBe('succeeded');
  expect(JSON.parse(run.output ?? '')).toEqual(['slept 1000 ms', 'slept 1200 ms', 'slept 1500 ms']);
  const log = await events(runId);
  expect(span(log)).toBeGreaterThanOrEqual(1500);
  expect(span(log)).toBeLessThan(2600); // the sum would be 3700
}, 30_000);

it('runs the parallel example and reads the branches as a list', async () => {
  const run = await ended(await start('parallel-research', { topic: 'CRM software' }));
  expect(run.status).toBe('succeeded');
  expect(
    run.steps.filter((s) => ['market', 'pricing', 'trends'].includes(s.stepId)).map((s) => s.status),
  ).toEqual(['succeeded', 'succeeded', 'succeeded']);
});

it('retries flaky@ after a durable backoff timer and succeeds on the second attempt', async () => {
  const runId = await start('retry-backoff', { user_input: 'hello again' });
  const run = await ended(runId);
  expect(run.status).toBe('succeeded');
  expect(run.output).toBe('hello again');
  const log = await events(runId);
  expect(log.map((e) => `${e.type}${e.data.attempt === undefined ? '' : `#${e.data.attempt}`}`)).toEqual([
    'RunStarted',
    'StepStarted#1',
    'StepFailed#1',
    'StepRetryScheduled#2',
    'StepStarted#2',
    'StepSucceeded#2',
    'RunSucceeded',
  ]);
  const scheduled = ofType(log, 'StepRetryScheduled')[0];
  const delayMs = scheduled.data['delayMs'] as number;
  expect(delayMs).toBeGreaterThanOrEqual(250);
  expect(delayMs).toBeLessThanOrEqual(500);
  // The second attempt waited for the timer.
  expect(Date.parse(ofType(log, 'StepStarted')[1].at) - Date.parse(scheduled.at)).toBeGreaterThanOrEqual(
    delayMs - 50,
  );
}, 30_000);

it('times a slow step out and goes on with on_error: continue', async () => {
  const runId = await start('step-timeout');
  const run = await ended(runId);
  expect(run.status).toBe('succeeded');
  expect(run.output).toMatch(/^slow timed out: /);
  const failed = ofType(await events(runId), 'StepFailed', 'slow')[0];
  expect(['AGENT_TIMEOUT', 'STEP_TIMEOUT']).toContain((failed.data['error'] as { code: string }).code);
  expect(failed.data['durationMs']).toBeLessThan(3000);
}, 30_000);

it('switches: an urgent request is escalated and the other branch is not taken', async () => {
  const urgent = await ended(await start('triage-switch', { user_input: 'urgent: the server is down' }));
  expect(urgent.status).toBe('succeeded');
  expect(urgent.output).toBe('escalate: ESCALATED: urgent: the server is down');
  expect(urgent.steps.find((s) => s.stepId === 'summarize')?.status).toBe('skipped');
  const routine = await ended(
    await start('triage-switch', { user_input: 'Please summarize our quarterly numbers.' }),
  );
  expect(routine.steps.find((s) => s.stepId === 'escalate')?.status).toBe('skipped');
  expect(routine.output).toMatch(/^summarize: /);
});

it('runs foreach items at most `concurrency` at a time and outputs them in list order', async () => {
  const example = await ended(
    await start('per-item-foreach', { competitors: ['acme', 'globex', 'initech'] }),
  );
  expect(example.status).toBe('succeeded');
  expect(example.output).toBe('1. ACME; 2. GLOBEX; 3. INITECH');

  await publish(`name: foreach-sleep
steps:
  - id: naps
    foreach: "{{ [400, 300, 200, 100] }}"
    as: ms
    concurrency: 2
    agent: sleep@
    input: "{{ ms }}"
`);
  const runId = await start('foreach-sleep');
  const run = await ended(runId);
  expect(run.status).toBe('succeeded');
  expect(JSON.parse(run.output ?? '')).toEqual([
    'slept 400 ms',
    'slept 300 ms',
    'slept 200 ms',
    'slept 100 ms',
  ]);
  let running = 0;
  let most = 0;
  for (const event of await events(runId)) {
    if (event.data.stepId?.startsWith('naps[') !== true) continue;
    if (event.type === 'StepStarted') most = Math.max(most, ++running);
    if (event.type === 'StepSucceeded') running--;
  }
  expect(most).toBe(2);
}, 30_000);

it('goes to the fallback step when the primary fails (on_error: goto)', async () => {
  const runId = await start('fallback-goto', { user_input: 'the question' });
  const run = await ended(runId);
  expect(run.status).toBe('succeeded');
  expect(run.output).toBe('backup answer for: the question');
  expect(run.steps.find((s) => s.stepId === 'polish')?.status).toBe('skipped');
  expect(ofType(await events(runId), 'BranchTaken')[0].data).toMatchObject({
    stepId: 'primary',
    target: 'backup',
  });
});

it('cancels a running run: its agent call is abandoned and the run ends cancelled', async () => {
  await publish(`name: long-nap
steps:
  - id: nap
    agent: sleep@
    input: "30s"
  - id: never
    agent: echo@
    input: "never"
`);
  const runId = await start('long-nap');
  await waitFor(runId, 'the nap to start', (log) => ofType(log, 'StepStarted', 'nap').length > 0);
  expect((await http(chainmail.base, 'POST', `/v1/runs/${runId}/cancel`)).status).toBe(202);
  const run = await ended(runId, 10_000);
  expect(run.status).toBe('cancelled');
  const log = await events(runId);
  expect(ofType(log, 'StepSucceeded')).toEqual([]);
  expect(span(log)).toBeLessThan(10_000);
});

it('runs a sub-workflow and takes its output', async () => {
  const runId = await start('sub-workflow', { user_input: 'CRM tools for small teams' });
  const run = await ended(runId, 30_000);
  expect(run.status).toBe('succeeded');
  const child = await ended(`${runId}-analysis-1-1`);
  expect(child.status).toBe('succeeded');
  expect(run.output).toBe((child.output ?? '').split('\n')[0].toUpperCase());
}, 40_000);

it('cancelling a parent run cancels its running sub-workflow', async () => {
  await publish(`name: sleepy-child
steps:
  - id: nap
    agent: sleep@
    input: "30s"
`);
  await publish(`name: sleepy-parent
steps:
  - id: child
    workflow: sleepy-child
`);
  const runId = await start('sleepy-parent');
  const childId = `${runId}-child-1-1`;
  await waitFor(childId, 'the child to start its nap', (log) => ofType(log, 'StepStarted', 'nap').length > 0);
  await http(chainmail.base, 'POST', `/v1/runs/${runId}/cancel`);
  expect((await ended(runId, 10_000)).status).toBe('cancelled');
  const child = await ended(childId, 10_000);
  expect(child.status).toBe('cancelled');
  expect(ofType(await events(runId), 'ChildRunAbandoned')[0].data).toMatchObject({ childRunId: childId });
}, 30_000);

describe('the human-review example through the checkpoint route', () => {
  const inputs = { client: 'ACME Corp', client_email: 'legal@acme.test' };
  const atCheckpoint = (runId: string, visit: number): Promise<LoggedEvent[]> =>
    waitFor(runId, `checkpoint visit ${visit}`, (log) =>
      ofType(log, 'CheckpointOpened', 'human-review').some((e) => e.data.visit === visit),
    );
  const decide = (runId: string, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> =>
    http(chainmail.base, 'POST', `/v1/runs/${runId}/checkpoints/human-review`, body);

  it('approved: the contract is sent', async () => {
    const runId = await start('human-review', inputs);
    await atCheckpoint(runId, 1);
    expect((await decide(runId, { action: 'approve', comment: 'looks good' })).status).toBe(202);
    const run = await ended(runId);
    expect(run.status).toBe('succeeded');
    expect(run.output).toContain('legal@acme.test');
  });

  it('edited: the draft is written again, reviewed again, then sent', async () => {
    const runId = await start('human-review', inputs);
    await atCheckpoint(runId, 1);
    expect((await decide(runId, { action: 'edit', input: 'Add a liability cap' })).status).toBe(202);
    await atCheckpoint(runId, 2);
    await decide(runId, { action: 'approve' });
    const run = await ended(runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((s) => s.stepId === 'draft')?.visit).toBe(2);
  });

  it('rejected: the run fails with CHECKPOINT_REJECTED, and a second decision is refused', async () => {
    const runId = await start('human-review', inputs);
    await atCheckpoint(runId, 1);
    expect((await decide(runId, { action: 'maybe' })).status).toBe(400);
    expect((await decide(runId, { action: 'reject', comment: 'wrong client' })).status).toBe(202);
    const run = await ended(runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'CHECKPOINT_REJECTED', stepId: 'human-review' });
    expect((await decide(runId, { action: 'approve' })).status).toBe(409);
  });
});

it('a checkpoint nobody answers expires by its durable timer and the run fails, naming it', async () => {
  await publish(
    [
      'name: unanswered-review',
      'steps:',
      '  - id: draft',
      '    agent: echo@',
      '    input: "a draft"',
      '  - id: review',
      '    type: checkpoint',
      '    message: "Approve the draft?"',
      '    timeout: 1s',
      '  - id: send',
      '    agent: echo@',
      '    input: "{{draft.output}}"',
      '',
    ].join('\n'),
  );
  const runId = await start('unanswered-review');
  const run = await ended(runId);
  expect(run.status).toBe('failed');
  expect(run.error).toMatchObject({ code: 'CHECKPOINT_REJECTED', stepId: 'review' });
  expect(run.steps.find((s) => s.stepId === 'send')).toBeUndefined();
});
