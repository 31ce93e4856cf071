import { RUN_EVENTS_STREAM, RUN_SUBJECTS } from '@chainmail/contracts';
import { isolatedEventLog, testNatsUrl, waitFor, type IsolatedEventLog } from '@chainmail/testing';
import type { NatsConnection } from 'nats';
import { startBatchConsumer } from './batch-consumer-runner';
import type { ConsumedMessage } from './consumed-message';
import { connectNats } from './connection';
import { RedeliverLater } from './consumer-config';
import { startConsumer, type ConsumerOptions } from './consumer-runner';
import { silentLogger } from './logger';

const encoder = new TextEncoder();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('startConsumer / startBatchConsumer', () => {
  let env: IsolatedEventLog;
  const extra: NatsConnection[] = [];

  beforeEach(async () => {
    env = await isolatedEventLog();
  });
  afterEach(async () => {
    await Promise.all(extra.splice(0).map((nc) => nc.close()));
    await env.cleanup();
  });

  const connection = async (): Promise<NatsConnection> => {
    const nc = await connectNats(testNatsUrl(), 'consumer-test');
    extra.push(nc);
    return nc;
  };
  const publish = async (runId: string, count: number): Promise<void> => {
    const js = env.nc.jetstream();
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        js.publish(env.names.runSubject(`${runId}-${i}`), encoder.encode(`{"i":${i}}`)),
      ),
    );
  };
  const options = (
    durable: string,
    handler: ConsumerOptions['handler'],
    extraOptions: Partial<ConsumerOptions> = {},
  ): ConsumerOptions => ({
    names: env.names,
    logger: silentLogger,
    stream: RUN_EVENTS_STREAM,
    filterSubject: RUN_SUBJECTS,
    durable,
    concurrency: 4,
    nakDelayMs: () => 10,
    handler,
    ...extraOptions,
  });
  const consumerInfo = async (durable: string) =>
    (await env.nc.jetstreamManager()).consumers.info(env.names.runEventsStream, durable);

  it('shares a durable between two runners: every message handled exactly once, by both', async () => {
    const byRunner = [new Map<number, number>(), new Map<number, number>()];
    const handler = (k: number) => async (m: ConsumedMessage) => {
      await sleep(1);
      byRunner[k].set(m.seq, (byRunner[k].get(m.seq) ?? 0) + 1);
    };
    const a = await startConsumer(env.nc, options('shared', handler(0)));
    const b = await startConsumer(await connection(), options('shared', handler(1)));
    await publish('share', 200);
    const total = (): number => byRunner[0].size + byRunner[1].size;
    await waitFor('200 messages', () => total() >= 200);
    await sleep(50);
    await Promise.all([a.stop(), b.stop()]);

    expect(total()).toBe(200);
    expect([...byRunner[0].keys()].filter((seq) => byRunner[1].has(seq))).toEqual([]);
    expect([...byRunner[0].values(), ...byRunner[1].values()].every((n) => n === 1)).toBe(true);
    expect(byRunner[0].size).toBeGreaterThan(0);
    expect(byRunner[1].size).toBeGreaterThan(0);
    const info = await consumerInfo('shared');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
  });

  it('exposes subject, headers and position of each message', async () => {
    const seen: ConsumedMessage[] = [];
    const runner = await startConsumer(
      env.nc,
      options('fields', async (m) => void seen.push(m)),
    );
    const { headers } = await import('nats');
    const h = headers();
    h.set('traceparent', '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    const ack = await env.nc
      .jetstream()
      .publish(env.names.runSubject('r1'), encoder.encode('{"ok":true}'), { headers: h });
    await waitFor('the message', () => seen.length === 1);
    await runner.stop();
    expect(seen[0].subject).toBe('runs.r1');
    expect(seen[0].seq).toBe(ack.seq);
    expect(seen[0].redeliveryCount).toBe(0);
    expect(seen[0].json<{ ok: boolean }>()).toEqual({ ok: true });
    expect(seen[0].headers.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
  });

  it('redelivers a message whose handler threw, counting the redelivery', async () => {
    const attempts: number[] = [];
    const warnings: string[] = [];
    const runner = await startConsumer(
      env.nc,
      options(
        'retry',
        async (m) => {
          attempts.push(m.redeliveryCount);
          if (m.redeliveryCount < 2) throw new Error('not yet');
        },
        { logger: { warn: (w) => warnings.push(w), error: (e) => warnings.push(e) } },
      ),
    );
    await publish('retry', 1);
    await waitFor('third delivery', () => attempts.length === 3);
    await runner.stop();
    expect(attempts).toEqual([0, 1, 2]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/not yet/);
    expect((await consumerInfo('retry')).num_ack_pending).toBe(0);
  });

  it('hands a message back after the delay the handler asks for, quietly', async () => {
    const delivered: number[] = [];
    const warnings: string[] = [];
    const runner = await startConsumer(
      env.nc,
      options(
        'later',
        async (m) => {
          delivered.push(Date.now());
          if (m.redeliveryCount < 2) throw new RedeliverLater(150, 'another replica is at it');
        },
        { logger: { warn: (w) => warnings.push(w), error: (e) => warnings.push(e) } },
      ),
    );
    await publish('later', 1);
    await waitFor('third delivery', () => delivered.length === 3);
    await runner.stop();
    expect(delivered[1] - delivered[0]).toBeGreaterThanOrEqual(100);
    expect(warnings).toEqual([]);
    expect((await consumerInfo('later')).num_ack_pending).toBe(0);
  });

  it('runs at most `concurrency` handlers and holds no more unacked messages than that', async () => {
    let running = 0;
    let peak = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done = 0;
    const runner = await startConsumer(
      env.nc,
      options(
        'bounded',
        async () => {
          running++;
          peak = Math.max(peak, running);
          await gate;
          running--;
          done++;
        },
        { concurrency: 3 },
      ),
    );
    await publish('bounded', 20);
    await waitFor('three running', () => running === 3);
    await sleep(100);
    const info = await consumerInfo('bounded');
    expect(info.num_ack_pending).toBe(3);
    release();
    await waitFor('all done', () => done === 20);
    await runner.stop();
    expect(peak).toBe(3);
  });

  it('stop() stops pulling and waits for running handlers, whose acks reach the server', async () => {
    let started = 0;
    let finished = 0;
    const runner = await startConsumer(
      env.nc,
      options('drain', async () => {
        started++;
        await sleep(200);
        finished++;
      }),
    );
    await publish('drain', 2);
    await waitFor('handlers running', () => started === 2);
    await runner.stop();
    expect(finished).toBe(2);
    const info = await consumerInfo('drain');
    expect(info.num_ack_pending).toBe(0);
    expect(info.num_pending).toBe(0);
    await publish('after', 1);
    await sleep(100);
    expect(started).toBe(2);
  });

  it('gives a dead runner’s message to the other one after the ack wait', async () => {
    const doomed = await connection();
    let taken = 0;
    await startConsumer(
      doomed,
      options(
        'failover',
        async () => {
          taken++;
          await new Promise(() => undefined); // hangs: its process is about to die
        },
        { ackWaitMs: 1_000 },
      ),
    );
    await publish('failover', 1);
    await waitFor('the doomed runner to take it', () => taken === 1);
    await doomed.close();
    const rescued: number[] = [];
    const survivor = await startConsumer(
      env.nc,
      options('failover', async (m) => void rescued.push(m.redeliveryCount), { ackWaitMs: 1_000 }),
    );
    await waitFor('redelivery to the survivor', () => rescued.length === 1, 4_000);
    await survivor.stop();
    expect(rescued).toEqual([1]);
  });

  it('batch consumer: hands over batches and acks only after the batch handler resolves', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const runner = await startBatchConsumer(env.nc, {
      names: env.names,
      logger: silentLogger,
      stream: RUN_EVENTS_STREAM,
      filterSubject: RUN_SUBJECTS,
      durable: 'batch',
      maxBatch: 10,
      maxWaitMs: 20,
      handler: async (messages) => {
        batches.push(messages.map((m) => m.seq));
        if (batches.length === 1) await gate;
      },
    });
    await publish('batch', 25);
    await waitFor('first batch', () => batches.length === 1);
    await sleep(50);
    expect(batches).toHaveLength(1);
    expect(batches[0].length).toBeGreaterThan(0);
    expect(batches[0].length).toBeLessThanOrEqual(10);
    expect((await consumerInfo('batch')).num_ack_pending).toBeGreaterThanOrEqual(batches[0].length);
    release();
    await waitFor('all 25', () => batches.flat().length === 25);
    await runner.stop();
    expect(batches.every((b) => b.length <= 10)).toBe(true);
    expect(new Set(batches.flat()).size).toBe(25);
    expect((await consumerInfo('batch')).num_ack_pending).toBe(0);
  });

  it('batch consumer: a failed batch comes back whole', async () => {
    const deliveries: { seqs: number[]; redelivered: number[] }[] = [];
    const runner = await startBatchConsumer(env.nc, {
      names: env.names,
      logger: silentLogger,
      stream: RUN_EVENTS_STREAM,
      filterSubject: RUN_SUBJECTS,
      durable: 'batch-retry',
      maxBatch: 50,
      maxWaitMs: 50,
      nakDelayMs: () => 10,
      handler: async (messages) => {
        deliveries.push({
          seqs: messages.map((m) => m.seq),
          redelivered: messages.map((m) => m.redeliveryCount),
        });
        if (deliveries.length === 1) throw new Error('database down');
      },
    });
    await publish('batch-retry', 5);
    await waitFor('the retry', () => deliveries.flatMap((d) => d.seqs).length >= 10);
    await runner.stop();
    const first = deliveries[0].seqs;
    const retried = deliveries.slice(1).flatMap((d) => d.seqs);
    expect(first).toHaveLength(5);
    expect(retried.sort((x, y) => x - y)).toEqual([...first].sort((x, y) => x - y));
    expect(
      deliveries
        .slice(1)
        .flatMap((d) => d.redelivered)
        .every((n) => n === 1),
    ).toBe(true);
  });
});
