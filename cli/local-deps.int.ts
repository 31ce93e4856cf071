import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { DependencyFailed, listening, startNats, startPostgres, type StartedDependency } from './local-deps';
import { freePort } from './test/free-port';

/**
 * The NATS and Postgres `chainmail up` starts when none is running: real processes on free ports
 * in a temporary data directory (never the shared ones on 4222 and 5432), stopped and started
 * again on the same data.
 */
describe('backing services started by chainmail up', () => {
  let dataDir: string;
  const started: StartedDependency[] = [];
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chainmail-deps-'));
  });
  afterEach(async () => {
    for (const dep of started.splice(0)) await dep.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('starts nats-server from PATH with JetStream in the data directory, and finds its streams again', async () => {
    const port = await freePort();
    const env = { PATH: process.env.PATH };
    const first = await startNats({ port, dataDir, env });
    started.push(first);
    expect(first.url).toBe(`nats://127.0.0.1:${port}`);
    let nc: NatsConnection = await connect({ servers: first.url });
    await (await nc.jetstreamManager()).streams.add({ name: 'KEPT', subjects: ['kept.>'] });
    await nc.jetstream().publish('kept.one', new TextEncoder().encode('x'));
    await nc.close();
    await first.stop();
    expect(await listening('127.0.0.1', port)).toBe(false);

    const second = await startNats({ port, dataDir, env });
    started.push(second);
    nc = await connect({ servers: second.url });
    const info = await (await nc.jetstreamManager()).streams.info('KEPT');
    await nc.close();
    expect(info.state.messages).toBe(1);
  }, 30_000);

  it('says in one line that nats-server is missing, with the apt, brew and docker commands', async () => {
    const port = await freePort();
    const failure = await startNats({ port, dataDir, env: { PATH: dataDir } }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DependencyFailed);
    const message = (failure as Error).message;
    expect(message).not.toContain('\n');
    expect(message).toContain(
      `NATS is not running at nats://127.0.0.1:${port} and nats-server is not on the PATH`,
    );
    expect(message).toContain('apt-get install nats-server');
    expect(message).toContain('brew install nats-server');
    expect(message).toContain('docker run');
  });

  it('starts the embedded Postgres (also as root), creates the database, and keeps its data', async () => {
    const port = await freePort();
    const notes: string[] = [];
    const first = await startPostgres({ port, dataDir, database: 'chainmail', note: (l) => notes.push(l) });
    started.push(first);
    expect(first.url).toBe(`postgres://postgres@127.0.0.1:${port}/chainmail`);
    let client = new Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE kept (value text)');
    await client.query("INSERT INTO kept VALUES ('still here')");
    await client.end();
    await first.stop();
    expect(await listening('127.0.0.1', port)).toBe(false);

    const second = await startPostgres({ port, dataDir, database: 'chainmail' });
    started.push(second);
    client = new Client({ connectionString: second.url });
    await client.connect();
    const rows = await client.query<{ value: string }>('SELECT value FROM kept');
    await client.end();
    expect(rows.rows).toEqual([{ value: 'still here' }]);
  }, 90_000);

  it('names Postgres, the URL and the reason when it cannot start', async () => {
    const port = await freePort();
    // Something else holds the port: the embedded server exits and says why.
    const blocker = createServer((socket) => socket.destroy());
    await new Promise<void>((done) => blocker.listen(port, '127.0.0.1', done));
    try {
      const failure = await startPostgres({ port, dataDir, database: 'chainmail', waitMs: 20_000 }).catch(
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(DependencyFailed);
      expect((failure as Error).message).toMatch(
        new RegExp(
          `^Postgres did not start at postgres://postgres@127\\.0\\.0\\.1:${port}/chainmail: it exited: .*`,
        ),
      );
      expect((failure as Error).message).not.toContain('\n');
    } finally {
      await new Promise<void>((done) => blocker.close(() => done()));
    }
  }, 90_000);
});
