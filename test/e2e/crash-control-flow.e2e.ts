import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Every service in its own process. Runs with parallel branches, a durable retry and a step
 * timeout are in flight when execution AND scheduling are killed -9; both start again. Every run
 * must end as it would have without the crash, and its log must hold one success per step visit.
 */

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'scheduling', 'ingress']);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

const WORKFLOW = [
  'name: crash-mix',
  'steps:',
  '  - id: fan',
  '    parallel:',
  '      - { id: left, agent: sleep@, input: "300" }',
  '      - { id: right, agent: sleep@, input: "400" }',
  '  - id: wobbly',
  '    agent: flaky@',
  '    input: "after {{left.output}}"',
  '    retry: { max: 3, backoff: fixed, delay: 1s }',
  '  - id: slow',
  '    agent: sleep@',
  '    input: "5000"',
  '    timeout: 1s',
  '    on_error: continue',
  '  - id: last',
  '    agent: echo@',
  '    input: "{{wobbly.output}} / slow ok: {{slow.success}}"',
  '',
].join('\n');

interface LoggedEvent {
  type: string;
  data: { stepId?: string; visit?: number; attempt?: number; error?: { code: string } };
}

it('ends every run correctly after execution and scheduling are killed mid-flight', async () => {
  expect((await http(chainmail.base, 'POST', '/v1/workflows', WORKFLOW, 'application/yaml')).status).toBe(
    201,
  );
  const runIds: string[] = [];
  for (let i = 0; i < 8; i++) {
    const res = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/crash-mix/runs', {});
    expect(res.status).toBe(202);
    runIds.push(res.body.runId);
  }
  // Parallel branches are sleeping, or the flaky step waits on its retry timer.
  await new Promise((r) => setTimeout(r, 700));
  await chainmail.kill('execution', 'SIGKILL');
  await chainmail.kill('scheduling', 'SIGKILL');
  await new Promise((r) => setTimeout(r, 500));
  await chainmail.start('scheduling');
  await chainmail.start('execution');

  for (const id of runIds) {
    const run = await eventually(
      async () => {
        const res = await http<{ status: string; output: string | null }>(
          chainmail.base,
          'GET',
          `/v1/runs/${id}`,
        );
        return res.status === 200 && !['running', 'waiting'].includes(res.body.status) ? res.body : undefined;
      },
      45_000,
      `run ${id} to end after the restarts`,
    );
    expect(run.status).toBe('succeeded');
    expect(run.output).toBe('after slept 300 ms / slow ok: false');

    const { body } = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${id}/events`);
    const successes = body.events
      .filter((e) => e.type === 'StepSucceeded')
      .map((e) => `${e.data.stepId}#${e.data.visit}`);
    expect(new Set(successes).size).toBe(successes.length);
    expect([...successes].sort()).toEqual(['fan#1', 'last#1', 'left#1', 'right#1', 'wobbly#1']);
    // flaky@ failed once and succeeded on its second attempt, after a durable retry timer.
    const wobbly = body.events.filter((e) => e.data.stepId === 'wobbly');
    expect(wobbly.filter((e) => e.type === 'StepRetryScheduled')).toHaveLength(1);
    expect(wobbly.find((e) => e.type === 'StepSucceeded')?.data.attempt).toBe(2);
    // The slow step ended by its time limit, whichever of the in-process and durable timers won.
    const slowFailures = body.events.filter((e) => e.type === 'StepFailed' && e.data.stepId === 'slow');
    expect(slowFailures.length).toBeGreaterThan(0);
    expect(['AGENT_TIMEOUT', 'STEP_TIMEOUT']).toContain(slowFailures.at(-1)?.data.error?.code);
  }
}, 120_000);
