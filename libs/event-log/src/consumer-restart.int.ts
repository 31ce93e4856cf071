import { RUN_EVENTS_STREAM, RUN_SUBJECTS } from '@chainmail/contracts';
import { startNatsServer, waitFor, type NatsServerHandle } from '@chainmail/testing';
import { connectNats } from './connection';
import { startConsumer } from './consumer-runner';
import { silentLogger } from './logger';
import { RunLog } from './run-log';
import { ensureStreams } from './streams';

describe('startConsumer across a NATS restart', () => {
  let server: NatsServerHandle;

  beforeAll(async () => {
    server = await startNatsServer();
  });
  afterAll(() => server.destroy());

  it('keeps consuming after the server is killed and restarted', async () => {
    const nc = await connectNats(server.url, 'consumer-restart');
    try {
      await ensureStreams(await nc.jetstreamManager(), { replicas: 1 });
      const seen = new Set<string>();
      const runner = await startConsumer(nc, {
        stream: RUN_EVENTS_STREAM,
        filterSubject: RUN_SUBJECTS,
        durable: 'restart',
        concurrency: 8,
        logger: silentLogger,
        handler: async (m) => void seen.add(m.subject),
      });
      const log = new RunLog(nc);
      await log.append({ runId: 'before', prev: 0, events: [] }, 'before');
      await waitFor('the first message', () => seen.has('runs.before'));

      await server.stop('SIGKILL');
      await server.restart();
      // The append waits for the connection to come back, then goes through.
      await log.append({ runId: 'after', prev: 0, events: [] }, 'after');
      await waitFor('a message appended after the restart', () => seen.has('runs.after'));
      await runner.stop();
    } finally {
      await nc.close();
    }
  });
});
