import { randomUUID } from 'node:crypto';
import { makeRunEvent } from '@chainmail/contracts';
import { connectNats, RunLog } from '@chainmail/event-log';
import type { RunEnd } from '@chainmail/persistence';
import { isolatedEventLog, testNatsUrl, type IsolatedEventLog } from '@chainmail/testing';
import { RunEndFeed } from './run-end-feed';

let log: IsolatedEventLog;
let runs: RunLog;
let feed: RunEndFeed;

beforeAll(async () => {
  log = await isolatedEventLog();
  runs = new RunLog(log.nc, log.names);
  feed = new RunEndFeed(log.nc, log.names);
  await log.nc.flush(); // the subscription is in place on the server
});

afterAll(async () => {
  feed.onApplicationShutdown();
  await log.cleanup();
});

const at = '2030-01-01T00:00:00.000Z';

it('tells each listener of its own run\u2019s end as the terminal commit is appended, and nothing before', async () => {
  const [a, b] = [randomUUID(), randomUUID()];
  const heard: Record<string, RunEnd[]> = { [a]: [], [b]: [] };
  feed.listen(a, (end) => heard[a].push(end));
  const stop = feed.listen(b, (end) => heard[b].push(end));

  const started = makeRunEvent('StepStarted', a, at, {
    stepId: 's',
    visit: 1,
    attempt: 1,
    agent: 'x@',
    input: 'i',
  });
  const first = await runs.append({ runId: a, prev: 0, events: [started] }, `${a}-1`);
  await runs.append(
    {
      runId: a,
      prev: first.seq,
      events: [makeRunEvent('RunSucceeded', a, at, { output: 'done', durationMs: 2 })],
    },
    `${a}-2`,
  );
  stop();
  await runs.append(
    {
      runId: b,
      prev: 0,
      events: [makeRunEvent('RunCancelled', b, at, { by: 'u', reason: 'no', durationMs: 1 })],
    },
    `${b}-1`,
  );
  await log.nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 100));

  expect(heard[a]).toEqual([{ status: 'succeeded', output: 'done', durationMs: 2 }]);
  expect(heard[b]).toEqual([]); // stopped listening before its end
});

it('a listener that comes just after its run ended still hears of it', async () => {
  const c = randomUUID();
  await runs.append(
    { runId: c, prev: 0, events: [makeRunEvent('RunSucceeded', c, at, { output: 'early', durationMs: 1 })] },
    `${c}-1`,
  );
  await log.nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 100));
  const late = await new Promise<RunEnd>((resolve) => feed.listen(c, resolve));
  expect(late).toEqual({ status: 'succeeded', output: 'early', durationMs: 1 });
});

it('hears only the end the log stored: a writer that lost the race for the run is not announced', async () => {
  const d = randomUUID();
  const heard: RunEnd[] = [];
  feed.listen(d, (end) => heard.push(end));
  const first = await runs.append(
    { runId: d, prev: 0, events: [makeRunEvent('RunStarted', d, at, {} as never)] },
    `${d}-1`,
  );
  await runs.append(
    {
      runId: d,
      prev: first.seq,
      events: [makeRunEvent('RunCancelled', d, at, { by: 'u', reason: 'stop', durationMs: 3 })],
    },
    `${d}-2`,
  );
  // A second writer decided from the first commit too: its end is refused by the stream.
  await expect(
    runs.append(
      {
        runId: d,
        prev: first.seq,
        events: [makeRunEvent('RunSucceeded', d, at, { output: 'late', durationMs: 4 })],
      },
      `${d}-2b`,
    ),
  ).rejects.toThrow();
  await log.nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(heard).toHaveLength(1);
  expect(heard[0]).toMatchObject({ status: 'cancelled', durationMs: 3 });
});

it('hears an end appended in this process at once, before the append resolves, and once', async () => {
  const e = randomUUID();
  const heard: RunEnd[] = [];
  feed.listen(e, (end) => heard.push(end));
  const appending = runs.append(
    { runId: e, prev: 0, events: [makeRunEvent('RunSucceeded', e, at, { output: 'here', durationMs: 1 })] },
    `${e}-1`,
  );
  await appending;
  await Promise.resolve();
  expect(heard).toEqual([{ status: 'succeeded', output: 'here', durationMs: 1 }]);
  // Its copy from the server, for the other processes, is skipped here.
  await log.nc.flush();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(heard).toHaveLength(1);
});

it('hears an end appended by another process through the server', async () => {
  const other = await connectNats(testNatsUrl(), 'test-other-process');
  try {
    const f = randomUUID();
    const heard = new Promise<RunEnd>((resolve) => feed.listen(f, resolve));
    await new RunLog(other, log.names).append(
      {
        runId: f,
        prev: 0,
        events: [
          makeRunEvent('RunFailed', f, at, {
            error: { code: 'AGENT_FAILED', message: 'no' },
            durationMs: 5,
          } as never),
        ],
      },
      `${f}-1`,
    );
    expect(await heard).toMatchObject({ status: 'failed', durationMs: 5 });
  } finally {
    await other.close();
  }
});
