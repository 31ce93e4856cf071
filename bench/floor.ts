import { AckPolicy, connect, DeliverPolicy, StorageType, type JsMsg } from 'nats';
import { Client, Pool } from 'pg';
import { startCpuMeter, type CpuPerRun } from './cpu';
import { round, summarize, type Summary } from './stats';

export interface Floor {
  jetstreamPublishAck: Summary;
  postgresCommit: Summary;
  /** One JetStream append, its delivery to a consumer, and a Postgres upsert: one step's raw cost. */
  appendConsumeUpsert: Summary;
}

/** The raw cost of the infrastructure, measured the same way the system uses it. */
export async function measureFloor(natsUrl: string, databaseUrl: string, samples: number): Promise<Floor> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'BENCH_FLOOR', subjects: ['floor.>'], storage: StorageType.File });
  const js = nc.jetstream();
  const pg = new Client({ connectionString: databaseUrl });
  await pg.connect();
  await pg.query(
    'CREATE TABLE IF NOT EXISTS bench_floor (id text PRIMARY KEY, n int NOT NULL, at timestamptz NOT NULL)',
  );
  const encoder = new TextEncoder();
  const payload = encoder.encode(
    JSON.stringify({
      runId: 'r',
      prev: 0,
      events: [{ type: 'StepSucceeded', data: { output: 'x'.repeat(200) } }],
    }),
  );

  const publish: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await js.publish(`floor.pub.${i % 64}`, payload, { msgID: `p${i}` });
    publish.push(performance.now() - t);
  }

  const commit: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t = performance.now();
    await pg.query(
      'INSERT INTO bench_floor (id, n, at) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET n = EXCLUDED.n, at = EXCLUDED.at',
      [`c${i % 64}`, i],
    );
    commit.push(performance.now() - t);
  }

  await jsm.consumers.add('BENCH_FLOOR', {
    durable_name: 'floor',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.New,
    filter_subject: 'floor.step.>',
  });
  const consumer = await js.consumers.get('BENCH_FLOOR', 'floor');
  const messages = await consumer.consume({ max_messages: 64 });
  const waiting = new Map<string, () => void>();
  void (async () => {
    for await (const m of messages) {
      const id = m.subject.split('.')[2];
      await pg.query(
        'INSERT INTO bench_floor (id, n, at) VALUES ($1, 1, now()) ON CONFLICT (id) DO UPDATE SET n = bench_floor.n + 1',
        [id],
      );
      m.ack();
      waiting.get(id)?.();
    }
  })();
  const roundTrip: number[] = [];
  for (let i = 0; i < samples; i++) {
    const id = `s${i}`;
    const done = new Promise<void>((resolve) => waiting.set(id, resolve));
    const t = performance.now();
    await js.publish(`floor.step.${id}`, payload, { msgID: id });
    await done;
    roundTrip.push(performance.now() - t);
    waiting.delete(id);
  }
  messages.stop();
  await jsm.streams.delete('BENCH_FLOOR');
  await pg.query('DROP TABLE bench_floor');
  await pg.end();
  await nc.close();
  return {
    jetstreamPublishAck: summarize(publish),
    postgresCommit: summarize(commit),
    appendConsumeUpsert: summarize(roundTrip),
  };
}

export interface EngineFloorLoad {
  runs: number;
  concurrency: number;
  runsPerSecond: number;
  latency: Summary;
  /** For the runs at concurrency: CPU ms per run of this process (the engine), NATS and Postgres. */
  cpu?: CpuPerRun;
}

export interface EngineFloor {
  /** 4-step runs one at a time: the latency floor. */
  sequential: EngineFloorLoad;
  /** 4-step runs by 16 clients: the throughput floor. */
  concurrent: EngineFloorLoad;
  /** 1-step runs one at a time, for the floor's per-step cost defined like Chainmail's. */
  oneStep: EngineFloorLoad;
  perStepP50Ms: number;
}

/**
 * A bare engine: runs of instant steps where each step is one JetStream append (with the run's
 * expected last sequence, as the log's single-writer rule does), its delivery to a consumer, and
 * a Postgres upsert of the run's row; the consumer appends the next step. No HTTP, no decisions:
 * what no orchestration on this infrastructure can beat.
 */
export async function measureEngineFloor(
  natsUrl: string,
  databaseUrl: string,
  counts: { sequential: number; concurrent: number; concurrency: number },
): Promise<EngineFloor> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: 'BENCH_ENGINE', subjects: ['engine.>'], storage: StorageType.File });
  const js = nc.jetstream();
  const pool = new Pool({ connectionString: databaseUrl, max: 8 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_engine_runs (id text PRIMARY KEY, step int NOT NULL, at timestamptz NOT NULL)',
  );
  await jsm.consumers.add('BENCH_ENGINE', {
    durable_name: 'engine',
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: 'engine.runs.>',
  });
  const messages = await (await js.consumers.get('BENCH_ENGINE', 'engine')).consume({ max_messages: 256 });
  const done = new Map<string, () => void>();
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const output = 'x'.repeat(200);
  const commit = (runId: string, step: number, steps: number, prev: number): Uint8Array =>
    encoder.encode(JSON.stringify({ runId, prev, steps, step, events: [{ type: 'StepSucceeded', output }] }));

  const handle = async (m: JsMsg): Promise<void> => {
    const { runId, step, steps } = JSON.parse(decoder.decode(m.data)) as {
      runId: string;
      step: number;
      steps: number;
    };
    await pool.query(
      'INSERT INTO bench_engine_runs (id, step, at) VALUES ($1, $2, now()) ON CONFLICT (id) DO UPDATE SET step = EXCLUDED.step, at = EXCLUDED.at',
      [runId, step],
    );
    if (step < steps) {
      await js.publish(`engine.runs.${runId}`, commit(runId, step + 1, steps, m.seq), {
        msgID: `${runId}:${step + 1}`,
        expect: { lastSubjectSequence: m.seq },
      });
    }
    m.ack();
    if (step === steps) done.get(runId)?.();
  };
  // Messages are handled concurrently, as Chainmail's consumers handle different runs.
  void (async () => {
    for await (const m of messages) void handle(m).catch(() => m.nak());
  })();

  let serial = 0;
  const load = async (runs: number, concurrency: number, steps: number): Promise<EngineFloorLoad> => {
    let next = 0;
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < runs) {
          next++;
          const runId = `r${serial++}`;
          const finished = new Promise<void>((resolve) => done.set(runId, resolve));
          const t = performance.now();
          await js.publish(`engine.runs.${runId}`, commit(runId, 1, steps, 0), {
            msgID: `${runId}:1`,
            expect: { lastSubjectSequence: 0 },
          });
          await finished;
          latencies.push(performance.now() - t);
          done.delete(runId);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    return { runs, concurrency, runsPerSecond: round(runs / seconds, 1), latency: summarize(latencies) };
  };

  try {
    await load(Math.min(100, counts.sequential), counts.concurrency, 4); // warm-up
    const sequential = await load(counts.sequential, 1, 4);
    const oneStep = await load(counts.sequential, 1, 1);
    const meter = await startCpuMeter();
    const concurrent = await load(counts.concurrent, counts.concurrency, 4);
    return {
      sequential,
      concurrent: { ...concurrent, cpu: await meter.perRun(concurrent.runs) },
      oneStep,
      perStepP50Ms: round((sequential.latency.p50 - oneStep.latency.p50) / 3),
    };
  } finally {
    messages.stop();
    await jsm.streams.delete('BENCH_ENGINE');
    await pool.query('DROP TABLE bench_engine_runs');
    await pool.end();
    await nc.close();
  }
}
