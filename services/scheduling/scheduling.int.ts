import { Test, type TestingModule } from '@nestjs/testing';
import {
  COMMANDS_STREAM,
  FIRE_TIMER_SUBJECT,
  makeRunEvent,
  type FireTimer,
  type RunEvent,
} from '@chainmail/contracts';
import { CommandBus, RunLog, silentLogger, startConsumer, type ConsumerRunner } from '@chainmail/event-log';
import { createDataSource } from '@chainmail/persistence';
import {
  createTestDatabase,
  isolatedEventLog,
  waitFor,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { quietLogger as quiet, TestPlatformModule } from './platform.fixture';
import { SchedulingModule } from './scheduling.module';
import { TimerService } from './timer.service';

const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('SchedulingModule against NATS and Postgres', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let eventLog: IsolatedEventLog;
  /** Two replicas of scheduling: same database, same durable consumer. */
  let apps: TestingModule[];
  let services: TimerService[];
  let runLog: RunLog;
  let fired: Array<{ command: FireTimer; traceparent?: string }>;
  let commands: ConsumerRunner;
  let sends: jest.SpyInstance;
  /** The replicas' clock: real time plus what a test jumps ahead. */
  let offsetMs = 0;
  const now = (): number => Date.now() + offsetMs;

  beforeAll(async () => {
    [db, eventLog] = await Promise.all([createTestDatabase('scheduling'), isolatedEventLog()]);
    dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 8 });
    sends = jest.spyOn(CommandBus.prototype, 'send');
    apps = await Promise.all(
      [1, 2].map(async () => {
        const app = await Test.createTestingModule({
          imports: [
            TestPlatformModule.with(eventLog, dataSource),
            // The tests jump the clock ahead, which no sleep hears of: the loops look again often.
            SchedulingModule.register({ maxWaitMs: 2, clock: now, idlePollMs: 250 }),
          ],
        })
          .setLogger(quiet)
          .compile();
        await app.init();
        return app;
      }),
    );
    services = apps.map((app) => app.get(TimerService));
    runLog = new RunLog(eventLog.nc, eventLog.names);
    fired = [];
    // Execution's place: the one consumer of the timer subject on the namespaced work queue.
    commands = await startConsumer(eventLog.nc, {
      names: eventLog.names,
      logger: silentLogger,
      stream: COMMANDS_STREAM,
      durable: 'test-fire-timer',
      filterSubject: FIRE_TIMER_SUBJECT,
      concurrency: 16,
      handler: async (m) =>
        void fired.push({ command: m.json<FireTimer>(), traceparent: m.headers.traceparent }),
    });
  });
  afterAll(async () => {
    sends?.mockRestore();
    await commands?.stop();
    await Promise.all((apps ?? []).map((app) => app.close()));
    await dataSource?.destroy();
    await eventLog?.cleanup();
    await db?.drop();
  });

  const prevs = new Map<string, number>();
  /** Appends one commit to its run, after the run's previous one. */
  async function append(...events: RunEvent[]): Promise<void> {
    const runId = events[0].runId;
    const prev = prevs.get(runId) ?? 0;
    const { seq } = await runLog.append({ runId, prev, events }, `${runId}-${prev}`, {
      traceparent: TRACEPARENT,
    });
    prevs.set(runId, seq);
  }

  const at = (): string => new Date(now()).toISOString();
  const runStarted = (runId: string, timeoutMs: number): RunEvent =>
    makeRunEvent('RunStarted', runId, at(), {
      workflow: 'digest',
      version: 1,
      inputs: {},
      trigger: { kind: 'api' },
      owner: 'team',
      actor: 'alice',
      debug: false,
      commandId: `start-${runId}`,
      timeoutMs,
    });
  const stepStarted = (runId: string, stepId: string, timeoutMs: number): RunEvent =>
    makeRunEvent('StepStarted', runId, at(), { stepId, visit: 1, attempt: 1, timeoutMs });
  const stepSucceeded = (runId: string, stepId: string): RunEvent =>
    makeRunEvent('StepSucceeded', runId, at(), { stepId, visit: 1, attempt: 1, output: 'ok', durationMs: 5 });

  async function timersOf(runId: string): Promise<Array<{ id: string; state: string }>> {
    return (await dataSource.query('SELECT id, state FROM durable_timers WHERE run_id = $1 ORDER BY id', [
      runId,
    ])) as Array<{ id: string; state: string }>;
  }
  const firedFor = (runId: string) => fired.filter((f) => f.command.runId === runId);
  const sentFor = (runId: string) =>
    sends.mock.calls.filter(
      ([subject, command]) => subject === FIRE_TIMER_SUBJECT && (command as FireTimer).runId === runId,
    );

  it('arms the run and step timeouts of appended commits, and a finished step disarms its own', async () => {
    await append(runStarted('arm-1', 60_000));
    await append(stepStarted('arm-1', 'research', 60_000));
    await waitFor('both timers', async () => (await timersOf('arm-1')).length === 2);
    expect(await timersOf('arm-1')).toEqual([
      { id: 'arm-1/run-timeout', state: 'armed' },
      { id: 'arm-1/step-timeout/research/1/1', state: 'armed' },
    ]);

    await append(stepSucceeded('arm-1', 'research'));
    await waitFor('the step timeout to go', async () =>
      (await timersOf('arm-1')).some((t) => t.state === 'disarmed'),
    );
    expect(await timersOf('arm-1')).toEqual([
      { id: 'arm-1/run-timeout', state: 'armed' },
      { id: 'arm-1/step-timeout/research/1/1', state: 'disarmed' },
    ]);
  });

  it('a terminal event drops every timer of the run, and none of them fires', async () => {
    await append(runStarted('ends', 300));
    await append(stepStarted('ends', 'fetch', 300));
    await waitFor('its timers', async () => (await timersOf('ends')).length === 2);
    await append(makeRunEvent('RunCancelled', 'ends', at(), { reason: 'no', by: 'bob', durationMs: 1 }));
    await waitFor('its timers to go', async () => (await timersOf('ends')).length === 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(firedFor('ends')).toEqual([]);
  });

  it('two replicas send each due timer exactly once, with the run trace', async () => {
    const runIds = Array.from({ length: 20 }, (_, i) => `due-${i}`);
    await Promise.all(runIds.map((runId) => append(runStarted(runId, 0), stepStarted(runId, 'call', 200))));
    await waitFor('every timer to fire', () => runIds.every((runId) => firedFor(runId).length > 0), 5_000);
    // Let a second firing, if there were one, come through.
    await new Promise((r) => setTimeout(r, 400));
    for (const runId of runIds) {
      expect(sentFor(runId)).toHaveLength(1);
      expect(firedFor(runId)).toHaveLength(1);
    }
    const { command, traceparent } = firedFor('due-3')[0];
    expect(command).toEqual({
      type: 'FireTimer',
      commandId: 'due-3/step-timeout/call/1/1',
      runId: 'due-3',
      timer: { kind: 'step-timeout', stepId: 'call', visit: 1, attempt: 1 },
      dueAt: expect.any(String),
    });
    expect(traceparent).toBe(TRACEPARENT);
    expect(Date.parse(command.dueAt)).toBeLessThanOrEqual(now());
    expect(await timersOf('due-3')).toEqual([{ id: 'due-3/step-timeout/call/1/1', state: 'fired' }]);
  });

  it('timers armed before and during a restart fire after it', async () => {
    await append(runStarted('restart', 60_000));
    await waitFor('the run timeout', async () => (await timersOf('restart')).length === 1);
    await Promise.all(services.map((s) => s.stop()));
    await append(stepStarted('restart', 'slow', 30_000));
    await new Promise((r) => setTimeout(r, 100));
    expect(await timersOf('restart')).toHaveLength(1);
    await Promise.all(services.map((s) => s.start()));
    await waitFor('the step timeout', async () => (await timersOf('restart')).length === 2);
    offsetMs += 61_000;
    try {
      await waitFor('both timers to fire', () => firedFor('restart').length === 2, 3_000);
    } finally {
      offsetMs -= 61_000;
    }
    expect(
      firedFor('restart')
        .map((f) => f.command.commandId)
        .sort(),
    ).toEqual(['restart/run-timeout', 'restart/step-timeout/slow/1/1']);
    expect(sentFor('restart')).toHaveLength(2);
  });
});
