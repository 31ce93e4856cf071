import { Test, type TestingModule } from '@nestjs/testing';
import { DefinitionCatalog } from '@chainmail/catalog';
import { COMMANDS_STREAM, START_RUN_SUBJECT, type StartRun } from '@chainmail/contracts';
import { CommandBus, silentLogger, startConsumer, type ConsumerRunner } from '@chainmail/event-log';
import { createDataSource, ScheduleReadRepository } from '@chainmail/persistence';
import {
  createTestDatabase,
  isolatedEventLog,
  waitFor,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { CronScheduler } from './cron-scheduler.service';
import { quietLogger, TestPlatformModule } from './platform.fixture';
import { pauseSchedule, publish, rollback, scheduledWorkflow } from './schedule.fixture';
import { tickRunId } from './scheduled-run';
import { SchedulingModule } from './scheduling.module';
import type { SchedulingSettings } from './scheduling.settings';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number): string => new Date(ms).toISOString();

describe('CronScheduler against NATS and Postgres, two replicas', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let eventLog: IsolatedEventLog;
  let consumer: ConsumerRunner;
  let sends: jest.SpyInstance;
  /** StartRun commands as execution would receive them (JetStream dedupe included). */
  const received: StartRun[] = [];
  const apps: TestingModule[] = [];

  beforeAll(async () => {
    [db, eventLog] = await Promise.all([createTestDatabase('cron'), isolatedEventLog()]);
    dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 8 });
    sends = jest.spyOn(CommandBus.prototype, 'send');
    consumer = await startConsumer(eventLog.nc, {
      names: eventLog.names,
      logger: silentLogger,
      stream: COMMANDS_STREAM,
      durable: 'test-start-run',
      filterSubject: START_RUN_SUBJECT,
      concurrency: 16,
      handler: async (m) => void received.push(m.json<StartRun>()),
    });
  });
  afterAll(async () => {
    sends?.mockRestore();
    await consumer?.stop();
    await Promise.all(apps.map((app) => app.close()));
    await dataSource?.destroy();
    await eventLog?.cleanup();
    await db?.drop();
  });

  /** Two scheduling replicas: same database and streams, each with its own catalog (as each process has). */
  async function replicas(settings: Partial<SchedulingSettings>): Promise<{
    schedulers: CronScheduler[];
    catalogs: DefinitionCatalog[];
  }> {
    const catalogs = [new DefinitionCatalog(), new DefinitionCatalog()];
    const started = await Promise.all(
      catalogs.map(async (catalog) => {
        const app = await Test.createTestingModule({
          imports: [
            TestPlatformModule.with(eventLog, dataSource, catalog),
            SchedulingModule.register(settings),
          ],
        })
          .setLogger(quietLogger)
          .compile();
        await app.init();
        apps.push(app);
        return app.get(CronScheduler);
      }),
    );
    return { schedulers: started, catalogs };
  }

  const sentFor = (workflow: string): StartRun[] =>
    sends.mock.calls
      .filter(
        ([subject, command]) => subject === START_RUN_SUBJECT && (command as StartRun).workflow === workflow,
      )
      .map(([, command]) => command as StartRun);
  const receivedFor = (workflow: string): StartRun[] => received.filter((c) => c.workflow === workflow);
  const scheduledFor = (commands: StartRun[]): string[] =>
    commands.map((c) => String(c.trigger.details?.scheduledFor)).sort();

  describe('pass by pass, on a controlled clock', () => {
    let now = at('2030-01-10T10:00:30Z');
    let schedulers: CronScheduler[];
    let catalogs: DefinitionCatalog[];
    /** Both replicas evaluate at the same moment, as two processes woken by the same tick do. */
    const bothPass = () => Promise.all(schedulers.map((s) => s.pass()));
    /**
     * When a workflow's schedule is next due, as the replica that evaluated it knows: the other
     * found its row locked (both pass at once) and only rechecks soon, so which replica that is
     * depends on timing, not on the code under test.
     */
    const nextDue = (workflow: string): number =>
      Math.max(
        ...schedulers.map(
          (s) =>
            s.schedules().find((x) => x.spec.workflow === workflow)?.nextDueMs ?? Number.NEGATIVE_INFINITY,
        ),
      );

    beforeAll(async () => {
      ({ schedulers, catalogs } = await replicas({ autoStart: false, clock: () => now }));
    });

    it('fires a schedule due every minute once per tick, with the tick’s run id and inputs', async () => {
      publish(
        catalogs,
        scheduledWorkflow(
          'every-minute',
          '[{ type: schedule, cron: "* * * * *", inputs: { topic: news } }]',
          'inputs: [{ name: topic }, { name: depth, type: number, default: 2 }]',
        ),
        new Date(now),
      );
      await bothPass(); // takes the schedule up: nothing is due yet
      for (const tick of ['2030-01-10T10:01:00Z', '2030-01-10T10:02:00Z', '2030-01-10T10:03:00Z']) {
        now = at(tick) + 7;
        await bothPass();
        now = at(tick) + 900; // a late wake of either replica changes nothing
        await bothPass();
      }
      const expected = ['2030-01-10T10:01:00.000Z', '2030-01-10T10:02:00.000Z', '2030-01-10T10:03:00.000Z'];
      // One send per tick in all: the Postgres claim, not JetStream's dedupe, kept the second out.
      expect(scheduledFor(sentFor('every-minute'))).toEqual(expected);
      // Even with the evaluation marks lost, a tick claimed once is not sent again.
      await dataSource.query(`DELETE FROM schedule_states WHERE workflow = 'every-minute'`);
      await bothPass();
      expect(scheduledFor(sentFor('every-minute'))).toEqual(expected);
      await waitFor('the three runs to arrive', () => receivedFor('every-minute').length === 3);
      const first = receivedFor('every-minute').find((c) => c.trigger.details?.scheduledFor === expected[0]);
      const runId = tickRunId('every-minute', '0', at(expected[0]));
      expect(first).toEqual({
        type: 'StartRun',
        commandId: `start:${runId}`,
        runId,
        workflow: 'every-minute',
        version: 1,
        inputs: { topic: 'news', depth: 2 },
        trigger: {
          kind: 'schedule',
          details: {
            workflow: 'every-minute',
            cron: '* * * * *',
            timezone: 'UTC',
            scheduledFor: expected[0],
            schedule: '0',
          },
        },
        owner: 'team',
        actor: 'schedule',
        debug: false,
      });
      const [last] = await new ScheduleReadRepository(dataSource).lastRuns([
        { workflow: 'every-minute', triggerKey: '0' },
      ]);
      expect(last).toMatchObject({ scheduledFor: expected[2], status: 'pending' });
    });

    it('after downtime, catch_up none skips the missed ticks and catch_up last fires the latest once', async () => {
      now = at('2030-01-10T11:00:30Z');
      publish(
        catalogs,
        scheduledWorkflow('skip-missed', '[{ type: schedule, cron: "*/5 * * * *" }]'),
        new Date(now),
      );
      publish(
        catalogs,
        scheduledWorkflow('catch-up', '[{ type: schedule, cron: "*/5 * * * *", catch_up: last }]'),
        new Date(now),
      );
      await bothPass();
      now = at('2030-01-10T11:05:00Z') + 3;
      await bothPass();
      expect(scheduledFor(sentFor('skip-missed'))).toEqual(['2030-01-10T11:05:00.000Z']);
      expect(scheduledFor(sentFor('catch-up'))).toEqual(['2030-01-10T11:05:00.000Z']);

      // Both replicas go down for 23 minutes (11:10, 11:15, 11:20 and 11:25 are missed), then start afresh.
      now = at('2030-01-10T11:28:40Z');
      const restarted = await replicas({ autoStart: false, clock: () => now });
      for (const source of [catalogs[0].get('skip-missed'), catalogs[0].get('catch-up')]) {
        publish(restarted.catalogs, source?.versions[0].source ?? '', new Date(at('2030-01-10T11:00:30Z')));
      }
      await Promise.all(restarted.schedulers.map((s) => s.pass()));
      expect(scheduledFor(sentFor('skip-missed'))).toEqual(['2030-01-10T11:05:00.000Z']);
      expect(scheduledFor(sentFor('catch-up'))).toEqual([
        '2030-01-10T11:05:00.000Z',
        '2030-01-10T11:25:00.000Z',
      ]);

      // From then on both fire on time again, once.
      now = at('2030-01-10T11:30:00Z') + 4;
      await Promise.all([...restarted.schedulers, ...schedulers].map((s) => s.pass()));
      expect(scheduledFor(sentFor('skip-missed'))).toEqual([
        '2030-01-10T11:05:00.000Z',
        '2030-01-10T11:30:00.000Z',
      ]);
      expect(scheduledFor(sentFor('catch-up'))).toEqual([
        '2030-01-10T11:05:00.000Z',
        '2030-01-10T11:25:00.000Z',
        '2030-01-10T11:30:00.000Z',
      ]);
    });

    it('a paused schedule fires nothing; resumed, it fires from its next tick without catching up the paused ones', async () => {
      now = at('2030-01-10T14:00:30Z');
      publish(
        catalogs,
        scheduledWorkflow('pausing', '[{ type: schedule, cron: "*/5 * * * *", catch_up: last }]'),
        new Date(now),
      );
      await bothPass();
      now = at('2030-01-10T14:05:00Z') + 3;
      await bothPass();
      expect(scheduledFor(sentFor('pausing'))).toEqual(['2030-01-10T14:05:00.000Z']);

      now = at('2030-01-10T14:06:00Z');
      pauseSchedule(catalogs, 'pausing', '0', true, new Date(now));
      await bothPass();
      expect(schedulers[0].schedules().some((x) => x.spec.workflow === 'pausing')).toBe(false);
      for (const tick of ['2030-01-10T14:10:00Z', '2030-01-10T14:15:00Z']) {
        now = at(tick) + 3;
        await bothPass();
      }
      expect(scheduledFor(sentFor('pausing'))).toEqual(['2030-01-10T14:05:00.000Z']);

      // Resumed at 14:17: 14:10 and 14:15 were paused, not missed; 14:20 fires.
      now = at('2030-01-10T14:17:00Z');
      pauseSchedule(catalogs, 'pausing', '0', false, new Date(now));
      await bothPass();
      expect(scheduledFor(sentFor('pausing'))).toEqual(['2030-01-10T14:05:00.000Z']);
      now = at('2030-01-10T14:20:00Z') + 3;
      await bothPass();
      expect(scheduledFor(sentFor('pausing'))).toEqual([
        '2030-01-10T14:05:00.000Z',
        '2030-01-10T14:20:00.000Z',
      ]);
    });

    it('a publish or a rollback changes the schedule at the next pass; ticks before it are not the new version’s', async () => {
      now = at('2030-01-10T12:00:30Z');
      publish(
        catalogs,
        scheduledWorkflow('changing', '[{ type: schedule, cron: "0 * * * *" }]'),
        new Date(now),
      );
      await bothPass();
      expect(nextDue('changing')).toBe(at('2030-01-10T13:00:00Z'));

      // 12:20: version 2 runs every 10 minutes; its 12:10 tick predates it and does not fire.
      now = at('2030-01-10T12:20:30Z');
      publish(
        catalogs,
        scheduledWorkflow('changing', '[{ type: schedule, cron: "*/10 * * * *", catch_up: last }]'),
        new Date(now),
      );
      await bothPass();
      expect(sentFor('changing')).toEqual([]);
      expect(nextDue('changing')).toBe(at('2030-01-10T12:30:00Z'));
      now = at('2030-01-10T12:30:00Z') + 2;
      await bothPass();
      expect(sentFor('changing').map((c) => [c.version, c.trigger.details?.scheduledFor])).toEqual([
        [2, '2030-01-10T12:30:00.000Z'],
      ]);

      // Rolled back to version 1 (hourly) at 12:31: 12:40 does not fire, 13:00 does, pinned to version 1.
      now = at('2030-01-10T12:31:00Z');
      rollback(catalogs, 'changing', 1, new Date(now));
      await bothPass();
      now = at('2030-01-10T12:40:00Z') + 2;
      await bothPass();
      now = at('2030-01-10T13:00:00Z') + 2;
      await bothPass();
      expect(sentFor('changing').map((c) => [c.version, c.trigger.details?.scheduledFor])).toEqual([
        [2, '2030-01-10T12:30:00.000Z'],
        [1, '2030-01-10T13:00:00.000Z'],
      ]);
    });
  });

  describe('the loop, on the real clock', () => {
    it('wakes at each tick and on a catalog change: an every-second schedule fires once per tick, stops and resumes with the version', async () => {
      const { catalogs } = await replicas({ pollMs: 60_000 });
      const v1 = publish(
        catalogs,
        scheduledWorkflow('each-second', '[{ type: schedule, cron: "* * * * * *" }]'),
      );
      // With a 60 s poll, only the catalog change and the ticks themselves can wake the replicas.
      await waitFor('two ticks', () => new Set(scheduledFor(receivedFor('each-second'))).size >= 2, 5_000);
      publish(catalogs, scheduledWorkflow('each-second', '[email to each-second@]'));
      const stoppedAt = Date.now();
      await new Promise((r) => setTimeout(r, 1_100));
      const sent = scheduledFor(sentFor('each-second'));
      expect(new Set(sent).size).toBe(sent.length); // each tick once
      // Nothing scheduled after the version without a schedule became active (a tick in flight may end).
      expect(sent.filter((s) => at(s) > stoppedAt + 50)).toEqual([]);

      rollback(catalogs, 'each-second', v1);
      const resumedAt = Date.now();
      await waitFor(
        'a tick after the rollback',
        () => sentFor('each-second').some((c) => at(String(c.trigger.details?.scheduledFor)) >= resumedAt),
        2_500,
      );
      const all = scheduledFor(sentFor('each-second'));
      expect(new Set(all).size).toBe(all.length);
      await waitFor('every send to arrive', () => receivedFor('each-second').length === all.length);
      expect(iso(at(all[0]))).toBe(all[0]);
    });
  });
});
