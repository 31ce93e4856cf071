import { Global, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PROJECTOR_REBUILD_SUBJECT, type RunEvent } from '@chainmail/contracts';
import { RunLog } from '@chainmail/event-log';
import {
  createDataSource,
  PROJECTION_APPLIED_SUBJECT,
  ProjectionWatermark,
  RunProjectionProgress,
  RunReadRepository,
} from '@chainmail/persistence';
import {
  DATA_SOURCE,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  NatsRequestClient,
  serveRequests,
  TELEMETRY,
} from '@chainmail/platform';
import { createTelemetry } from '@chainmail/telemetry';
import {
  createTestDatabase,
  isolatedEventLog,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { RunLogFixture } from '../../libs/persistence/src/testing/run-commits.fixture';
import { ProjectorModule } from './projector.module';
import { PROJECTOR_SETTINGS } from './projector.settings';
import { RunProjector } from './run-projector.service';

/** Stands in for the PlatformModule: the shared connection, names and DataSource of one process. */
@Global()
@Module({})
class TestPlatformModule {
  static with(log: IsolatedEventLog, dataSource: DataSource): DynamicModule {
    const providers = [
      { provide: NATS_CONNECTION, useValue: log.nc },
      { provide: EVENT_LOG_NAMES, useValue: log.names },
      { provide: DATA_SOURCE, useValue: dataSource },
      { provide: TELEMETRY, useValue: createTelemetry() },
    ];
    return { module: TestPlatformModule, providers, exports: providers.map((p) => p.provide) };
  }
}

/** The garbage message below is reported on purpose; keep test output clean. */
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

describe('ProjectorModule against NATS and Postgres', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let eventLog: IsolatedEventLog;
  let app: INestApplication;
  let projector: RunProjector;
  let runLog: RunLog;
  let reads: RunReadRepository;

  beforeAll(async () => {
    [db, eventLog] = await Promise.all([createTestDatabase('projector'), isolatedEventLog()]);
    dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    const testing = await Test.createTestingModule({
      imports: [TestPlatformModule.with(eventLog, dataSource), ProjectorModule.register({ maxWaitMs: 2 })],
    })
      .setLogger(quiet)
      .compile();
    app = testing.createNestApplication({ logger: quiet });
    await app.init();
    await serveRequests(app);
    projector = app.get(RunProjector);
    runLog = new RunLog(eventLog.nc, eventLog.names);
    reads = new RunReadRepository(dataSource);
  });
  afterAll(async () => {
    await app?.close();
    await dataSource?.destroy();
    await eventLog?.cleanup();
    await db?.drop();
  });

  /** Appends a run's commits in order, each after the previous one; returns the last sequence. */
  async function appendRun(commits: RunEvent[][]): Promise<number> {
    let prev = 0;
    for (const [i, events] of commits.entries()) {
      const runId = events[0].runId;
      prev = (await runLog.append({ runId, prev, events }, `${runId}-${i}`)).seq;
    }
    return prev;
  }

  function lifecycle(runId: string): RunEvent[][] {
    const log = new RunLogFixture(runId);
    return [
      [log.started()],
      [log.stepStarted('research')],
      [log.stepFailed('research', 1), log.stepStarted('research', 2)],
      [log.stepSucceeded('research', 2), log.stepStarted('summarize')],
      [log.stepSucceeded('summarize'), log.succeeded(`report of ${runId}`)],
    ];
  }

  async function dump(): Promise<unknown> {
    return {
      runs: await dataSource.query('SELECT * FROM runs ORDER BY id'),
      steps: await dataSource.query('SELECT * FROM run_steps ORDER BY run_id, step_id'),
    };
  }

  async function lastSeq(): Promise<number> {
    const jsm = await eventLog.nc.jetstreamManager();
    return (await jsm.streams.info(eventLog.names.runEventsStream)).state.last_seq;
  }

  it('takes the settings given to register()', () => {
    expect(app.get(PROJECTOR_SETTINGS)).toEqual({
      maxBatch: 256,
      catchUpBatch: 4096,
      maxWaitMs: 2,
      autoStart: true,
    });
  });

  it('projects what is appended, and a waiter sees its own write', async () => {
    const runIds = Array.from({ length: 12 }, (_, i) => `e2e-${i}`);
    const seqs = await Promise.all(runIds.map((id) => appendRun(lifecycle(id))));

    expect(await projector.waitForSequence(Math.max(...seqs), 5_000)).toBe(true);
    expect(await reads.countByStatus()).toEqual({
      running: 0,
      paused: 0,
      waiting: 0,
      succeeded: 12,
      failed: 0,
      cancelled: 0,
    });
    const run = await reads.findRun('e2e-3');
    expect(run).toMatchObject({
      status: 'succeeded',
      output: 'report of e2e-3',
      stepsTotal: 2,
      stepsSucceeded: 2,
    });
    expect(run?.steps.map((s) => [s.stepId, s.status, s.attempts, s.error])).toEqual([
      ['research', 'succeeded', 2, null],
      ['summarize', 'succeeded', 1, null],
    ]);

    const log = new RunLogFixture('e2e-late');
    const seq = await appendRun([[log.started()], [log.stepStarted('only')]]);
    expect(await projector.waitForSequence(seq, 5_000)).toBe(true);
    expect((await reads.findRun('e2e-late'))?.steps.map((s) => s.status)).toEqual(['running']);
    expect(await projector.waitForSequence(seq + 1_000, 50)).toBe(false);
  });

  it("keeps the trace id of the traceparent the run's RunStarted commit was appended with", async () => {
    const log = new RunLogFixture('traced');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const first = await runLog.append({ runId: 'traced', prev: 0, events: [log.started()] }, 'traced-0', {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
    });
    // A later commit of another trace (a timer's, a restart's) does not change the run's.
    const last = await runLog.append(
      { runId: 'traced', prev: first.seq, events: [log.stepStarted('only')] },
      'traced-1',
      { traceparent: `00-${'f'.repeat(32)}-00f067aa0ba902b7-01` },
    );
    expect(await projector.waitForSequence(last.seq, 5_000)).toBe(true);
    expect((await reads.findRun('traced'))?.traceId).toBe(traceId);
  });

  it('announces each written batch, so a reader waiting for its own write sees it without polling', async () => {
    const watermark = new ProjectionWatermark(
      eventLog.nc,
      eventLog.names.subject(PROJECTION_APPLIED_SUBJECT),
      // Only at the start and the deadline: the announcement must be what ends this wait.
      async (id) => (checks++, 0 * id.length),
    );
    let checks = 0;
    try {
      await eventLog.nc.flush();
      const log = new RunLogFixture('announced');
      const waiting = watermark.waitForRun('announced', 1, 10_000);
      const seq = await appendRun([[log.started()]]);
      await expect(waiting).resolves.toBe(true);
      expect(checks).toBe(1);
      expect((await reads.findRun('announced'))?.lastSeq).toBe(seq);
    } finally {
      watermark.close();
    }
  });

  it('skips a message that is not a commit and goes on', async () => {
    const js = eventLog.nc.jetstream();
    await js.publish(eventLog.names.runSubject('garbage'), new TextEncoder().encode('not json'));
    const log = new RunLogFixture('after-garbage');
    const seq = await appendRun([[log.started()], [log.cancelled()]]);
    expect(await projector.waitForSequence(seq, 5_000)).toBe(true);
    expect((await reads.findRun('after-garbage'))?.status).toBe('cancelled');
    expect(await reads.findRun('garbage')).toBeNull();
  });

  it('rebuild replays the log into the same rows', async () => {
    const before = await dump();
    const result = await projector.rebuild();
    expect(result.targetSeq).toBe(await lastSeq());
    expect(await projector.waitForSequence(result.targetSeq, 4_000)).toBe(true);
    expect(await dump()).toEqual(before);
    // What `GET /v1/admin/replay` reads: the target and the checkpoint that reached it, in Postgres.
    const progress = await new RunProjectionProgress(dataSource).read();
    expect(progress).toMatchObject({ targetSeq: result.targetSeq, appliedSeq: result.targetSeq });
    expect(progress.appliedEvents).toBeGreaterThanOrEqual(result.targetSeq);
  });

  it('answers the rebuild request on its namespaced subject', async () => {
    const before = await dump();
    await dataSource.query(`UPDATE runs SET output = 'tampered'`);
    const client = new NatsRequestClient(eventLog.nc, eventLog.names);
    const result = await client.ask<{ targetSeq: number }>(PROJECTOR_REBUILD_SUBJECT, {}, 'projector', 5_000);
    expect(result).toEqual({ targetSeq: await lastSeq() });
    expect(await projector.waitForSequence(result.targetSeq, 4_000)).toBe(true);
    expect(await dump()).toEqual(before);
  });

  it('a restart resumes from the durable consumer without rewriting anything', async () => {
    const before = await dump();
    await projector.stop();
    const log = new RunLogFixture('while-stopped');
    const seq = await appendRun([[log.started()]]);
    expect(projector.appliedSequence).toBeLessThan(seq);
    await projector.start();
    expect(await projector.waitForSequence(seq, 5_000)).toBe(true);
    const after = (await dump()) as { runs: Array<{ id: string }> };
    expect(after.runs.map((r) => r.id)).toContain('while-stopped');
    expect({ ...after, runs: after.runs.filter((r) => r.id !== 'while-stopped') }).toEqual(before);
  });
});
