import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/** Each service in its own process; execution is killed -9 with runs in flight and started again. */

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'ingress']);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

const SLOW_WORKFLOW = [
  'name: slow-chain',
  'steps:',
  '  - name: first',
  '    agent: sleep@',
  '    input: "150"',
  '  - name: second',
  '    agent: sleep@',
  '    input: "150"',
  '  - name: third',
  '    agent: echo@',
  '    input: "done after {{first.output}} and {{second.output}}"',
  '',
].join('\n');

interface LoggedEvent {
  type: string;
  data: { stepId?: string; visit?: number };
}

it('finishes every run after execution is killed mid-flight, with one success per step', async () => {
  expect(
    (await http(chainmail.base, 'POST', '/v1/workflows', SLOW_WORKFLOW, 'application/yaml')).status,
  ).toBe(201);
  const runIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/slow-chain/runs', {});
    expect(res.status).toBe(202);
    runIds.push(res.body.runId);
  }
  await new Promise((r) => setTimeout(r, 250));
  await chainmail.kill('execution', 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  await chainmail.start('execution');

  for (const id of runIds) {
    const run = await eventually(
      async () => {
        const res = await http<{ status: string }>(chainmail.base, 'GET', `/v1/runs/${id}`);
        return res.status === 200 && res.body.status !== 'running' ? res.body : undefined;
      },
      30_000,
      `run ${id} to finish after the restart`,
    );
    expect(run.status).toBe('succeeded');
    const { body } = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${id}/events`);
    const successes = body.events
      .filter((e) => e.type === 'StepSucceeded')
      .map((e) => `${e.data.stepId}#${e.data.visit}`);
    expect(new Set(successes).size).toBe(successes.length);
    expect(successes.sort()).toEqual(['first#1', 'second#1', 'third#1']);
  }
}, 60_000);
