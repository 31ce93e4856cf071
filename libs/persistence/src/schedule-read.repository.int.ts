import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { projectCommits } from './run-projection';
import { RunProjectionWriter } from './run-projection.writer';
import { ScheduleReadRepository } from './schedule-read.repository';
import { RunLogFixture } from './testing/run-commits.fixture';

describe('ScheduleReadRepository', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let reads: ScheduleReadRepository;

  const tick = (workflow: string, triggerKey: string, iso: string, runId: string): Promise<unknown> =>
    ds.query(
      `INSERT INTO schedule_ticks (workflow, trigger_key, scheduled_for, run_id, version, fired_at)
       VALUES ($1, $2, $3, $4, 1, $3::timestamptz + interval '5 milliseconds')`,
      [workflow, triggerKey, iso, runId],
    );

  beforeAll(async () => {
    db = await createTestDatabase('schedreads');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
    reads = new ScheduleReadRepository(ds);
    // Two runs in the read model: the older tick's succeeded, the newer one's runs on.
    const done = new RunLogFixture('run-old', Date.parse('2030-01-01T07:00:00Z'));
    const running = new RunLogFixture('run-new', Date.parse('2030-01-02T07:00:00Z'));
    await new RunProjectionWriter(ds).write(
      projectCommits([
        done.commit(1, done.started('digest')),
        done.commit(2, done.succeeded('ok')),
        running.commit(3, running.started('digest')),
      ]),
    );
    await tick('digest', '0', '2030-01-01T07:00:00Z', 'run-old');
    await tick('digest', '0', '2030-01-02T07:00:00Z', 'run-new');
    await tick('digest', '1', '2030-01-01T09:00:00Z', 'run-old');
    await tick('weekly', '0', '2030-01-06T09:00:00Z', 'run-not-projected-yet');
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('gives the newest tick of each schedule with its run’s status', async () => {
    const rows = await reads.lastRuns([
      { workflow: 'digest', triggerKey: '0' },
      { workflow: 'digest', triggerKey: '1' },
      { workflow: 'weekly', triggerKey: '0' },
      { workflow: 'never-fired', triggerKey: '0' },
    ]);
    expect(rows).toEqual([
      {
        workflow: 'digest',
        triggerKey: '0',
        scheduledFor: '2030-01-02T07:00:00.000Z',
        firedAt: '2030-01-02T07:00:00.005Z',
        runId: 'run-new',
        version: 1,
        status: 'running',
        endedAt: null,
      },
      expect.objectContaining({
        triggerKey: '1',
        runId: 'run-old',
        status: 'succeeded',
        endedAt: expect.any(String),
      }),
      expect.objectContaining({ workflow: 'weekly', runId: 'run-not-projected-yet', status: 'pending' }),
    ]);
  });

  it('asks nothing for no schedules', async () => {
    expect(await reads.lastRuns([])).toEqual([]);
  });
});
