import { RUN_EVENTS_STREAM, RUN_SUBJECTS } from '@chainmail/contracts';
import { isolatedEventLog, waitFor, type IsolatedEventLog } from '@chainmail/testing';
import { startBatchConsumer } from './batch-consumer-runner';
import { silentLogger } from './logger';

const encoder = new TextEncoder();

describe('startBatchConsumer: catch-up batches', () => {
  let env: IsolatedEventLog;

  beforeEach(async () => {
    env = await isolatedEventLog();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  const publish = async (prefix: string, count: number): Promise<void> => {
    const js = env.nc.jetstream();
    for (let i = 0; i < count; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, count - i) }, (_, k) =>
          js.publish(env.names.runSubject(`${prefix}-${i + k}`), encoder.encode(`{"i":${i + k}}`)),
        ),
      );
    }
  };

  it('takes large batches while far behind, and a lone live message at once', async () => {
    await publish('backlog', 600);
    const batches: number[][] = [];
    const runner = await startBatchConsumer(env.nc, {
      names: env.names,
      logger: silentLogger,
      stream: RUN_EVENTS_STREAM,
      filterSubject: RUN_SUBJECTS,
      durable: 'catch-up',
      maxBatch: 10,
      catchUpBatch: 200,
      maxWaitMs: 0,
      handler: async (messages) => {
        batches.push(messages.map((m) => m.seq));
        // A write that takes a while, so the backlog piles up behind it.
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    try {
      await waitFor('the backlog', () => batches.flat().length === 600);
      expect(batches.every((b) => b.length <= 200)).toBe(true);
      expect(Math.max(...batches.map((b) => b.length))).toBeGreaterThan(10);
      expect(new Set(batches.flat()).size).toBe(600);

      const before = batches.length;
      await publish('live', 1);
      await waitFor('the live message', () => batches.length === before + 1);
      expect(batches[before]).toHaveLength(1);
    } finally {
      await runner.stop();
    }
  });

  it('with overlap, hands over the next full batch while one is handled, never more than two', async () => {
    await publish('overlap', 300);
    const batches: number[][] = [];
    let inHandler = 0;
    let most = 0;
    const runner = await startBatchConsumer(env.nc, {
      names: env.names,
      logger: silentLogger,
      stream: RUN_EVENTS_STREAM,
      filterSubject: RUN_SUBJECTS,
      durable: 'overlap',
      maxBatch: 10,
      catchUpBatch: 50,
      maxWaitMs: 0,
      overlap: true,
      handler: async (messages) => {
        batches.push(messages.map((m) => m.seq));
        most = Math.max(most, ++inHandler);
        await new Promise((resolve) => setTimeout(resolve, 30));
        inHandler--;
      },
    });
    try {
      await waitFor('the backlog', () => batches.flat().length === 300);
      expect(most).toBe(2);
      expect(new Set(batches.flat()).size).toBe(300);
      expect(batches.every((b) => b.length <= 50)).toBe(true);
    } finally {
      await runner.stop();
    }
    expect(
      (await (await env.nc.jetstreamManager()).consumers.info(env.names.runEventsStream, 'overlap'))
        .num_ack_pending,
    ).toBe(0);
  });

  it('refuses a catch-up batch smaller than the live one', async () => {
    await expect(
      startBatchConsumer(env.nc, {
        names: env.names,
        logger: silentLogger,
        stream: RUN_EVENTS_STREAM,
        filterSubject: RUN_SUBJECTS,
        durable: 'bad',
        maxBatch: 10,
        catchUpBatch: 5,
        maxWaitMs: 0,
        handler: async () => undefined,
      }),
    ).rejects.toThrow('catchUpBatch (5) must be at least maxBatch (10)');
  });
});
