import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Execution in its own process, killed -9 with many runs in flight and started again, at the
 * default ack wait. Judged by the log alone: every run ends, none is lost, each step visit has
 * one success, and (from the commits' own timestamps) the last run ended soon after the restart.
 */

/** A correctness bound, not a speed target: runs must not wait for a long ack wait to pass. */
const RECOVERY_BOUND_MS = 15_000;
const RUNS = 60;

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  // The default ack wait, as a deployment has it (the other end-to-end tests shorten it).
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'ingress'], {
    CHAINMAIL_EXECUTION_ACK_WAIT_MS: '5000',
  });
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

const WORKFLOW = [
  'name: recovering-chain',
  'steps:',
  '  - name: first',
  '    agent: sleep@',
  '    input: "600"',
  '  - name: second',
  '    agent: sleep@',
  '    input: "900"',
  '  - name: third',
  '    agent: echo@',
  '    input: "{{first.output}}, then {{second.output}}"',
  '',
].join('\n');

interface LoggedEvent {
  type: string;
  at: string;
  data: { stepId?: string; visit?: number };
}

const TERMINAL = new Set(['RunSucceeded', 'RunFailed', 'RunCancelled', 'RunTimedOut']);

it('resumes every run in flight soon after execution restarts, each step succeeding once', async () => {
  const published = await http(chainmail.base, 'POST', '/v1/workflows', WORKFLOW, 'application/yaml');
  expect(published.status).toBe(201);
  const runIds = await Promise.all(
    Array.from({ length: RUNS }, async () => {
      const res = await http<{ runId: string }>(
        chainmail.base,
        'POST',
        '/v1/workflows/recovering-chain/runs',
        {},
      );
      expect(res.status).toBe(202);
      return res.body.runId;
    }),
  );
  // Runs are sleeping in their first or second step (1.5 s in all, so a busy machine that is slow
  // to answer the starts still has most of them in flight), some commands not decided yet.
  await new Promise((r) => setTimeout(r, 300));
  await chainmail.kill('execution', 'SIGKILL');
  await new Promise((r) => setTimeout(r, 300));
  const restartedAt = Date.now();
  await chainmail.start('execution');

  let lastEnd = 0;
  let endedAfterRestart = 0;
  for (const id of runIds) {
    const events = await eventually(
      async () => {
        const res = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${id}/events`);
        return res.status === 200 && res.body.events.some((e) => TERMINAL.has(e.type))
          ? res.body.events
          : undefined;
      },
      60_000,
      `run ${id} to end after the restart`,
    );
    expect(events[0].type).toBe('RunStarted');
    const end = events.filter((e) => TERMINAL.has(e.type));
    expect(end.map((e) => e.type)).toEqual(['RunSucceeded']);
    const successes = events
      .filter((e) => e.type === 'StepSucceeded')
      .map((e) => `${e.data.stepId}#${e.data.visit}`);
    expect([...successes].sort()).toEqual(['first#1', 'second#1', 'third#1']);
    lastEnd = Math.max(lastEnd, Date.parse(end[0].at));
    if (Date.parse(end[0].at) > restartedAt) endedAfterRestart++;
  }
  // The kill caught runs in flight (else this test would prove nothing).
  expect(endedAfterRestart).toBeGreaterThan(RUNS / 2);
  // Some runs ended before the kill; the last one tells how long the rest waited.
  expect(lastEnd - restartedAt).toBeLessThanOrEqual(RECOVERY_BOUND_MS);
}, 150_000);
