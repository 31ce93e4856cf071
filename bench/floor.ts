import { AckPolicy, connect, DeliverPolicy, StorageType } from 'nats';
import { Client } from 'pg';
import { summarize, type Summary } from './stats';

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
