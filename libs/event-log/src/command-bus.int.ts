import { CONSUMERS, START_RUN_SUBJECT, COMMANDS_STREAM } from '@chainmail/contracts';
import { isolatedEventLog, waitFor, type IsolatedEventLog } from '@chainmail/testing';
import { CommandBus } from './command-bus';
import { startConsumer } from './consumer-runner';
import { silentLogger } from './logger';

describe('CommandBus', () => {
  let env: IsolatedEventLog;

  beforeAll(async () => {
    env = await isolatedEventLog();
  });
  afterAll(() => env.cleanup());

  it('sends each command once per id, consumed from the work queue with its headers and contract subject', async () => {
    const bus = new CommandBus(env.nc, env.names);
    const first = await bus.send(START_RUN_SUBJECT, { commandId: 'c1' }, { traceparent: '00-trace-span-01' });
    expect(await bus.send(START_RUN_SUBJECT, { commandId: 'c1' })).toEqual({
      seq: first.seq,
      duplicate: true,
    });
    await bus.send(START_RUN_SUBJECT, { commandId: 'c2' });

    const seen: { subject: string; id: string; traceparent?: string }[] = [];
    const runner = await startConsumer(env.nc, {
      names: env.names,
      logger: silentLogger,
      stream: COMMANDS_STREAM,
      durable: CONSUMERS.executionCommands,
      filterSubject: 'commands.runs.>',
      concurrency: 4,
      handler: async (m) => {
        seen.push({
          subject: m.subject,
          id: m.json<{ commandId: string }>().commandId,
          traceparent: m.headers.traceparent,
        });
      },
    });
    await waitFor('both commands', () => seen.length === 2);
    await runner.stop();
    expect(seen).toEqual([
      { subject: START_RUN_SUBJECT, id: 'c1', traceparent: '00-trace-span-01' },
      { subject: START_RUN_SUBJECT, id: 'c2', traceparent: undefined },
    ]);
    // Work queue: acked commands are gone from the stream.
    const jsm = await env.nc.jetstreamManager();
    await waitFor(
      'the queue to empty',
      async () => (await jsm.streams.info(env.names.commandsStream)).state.messages === 0,
    );
  });
});
