import { makeRunEvent } from '@chainmail/contracts';
import { connectNats, ensureStreams, RunLog } from '@chainmail/event-log';
import { connect } from 'nats';
import { startNatsServer, type NatsServerHandle } from './nats-server';

describe('startNatsServer', () => {
  let server: NatsServerHandle;

  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(() => server.destroy());

  it('runs a private JetStream server whose data survives a kill and a restart', async () => {
    expect(server.url).toBe(`nats://127.0.0.1:${server.port}`);
    const nc = await connectNats(server.url, 'restart-test');
    try {
      await ensureStreams(await nc.jetstreamManager(), { replicas: 1 });
      const log = new RunLog(nc);
      const at = '2024-01-01T00:00:00.000Z';
      const first = await log.append(
        {
          runId: 'r1',
          prev: 0,
          events: [makeRunEvent('StepSkipped', 'r1', at, { stepId: 'a', visit: 1, reason: 'x' })],
        },
        'm1',
      );
      await log.append({ runId: 'r1', prev: first.seq, events: [] }, 'm2');

      await server.stop('SIGKILL');
      await expect(connect({ servers: server.url, reconnect: false, timeout: 500 })).rejects.toThrow();
      await server.restart();

      // The same connection reconnects by itself.
      const commits = await retry(() => log.read('r1'));
      expect(commits.map((c) => c.prev)).toEqual([0, first.seq]);
      expect(commits[0].events[0].type).toBe('StepSkipped');
    } finally {
      await nc.close();
    }
  });
});

async function retry<T>(work: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await work();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
