import { ChainmailError, type StoredRunCommit } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { projectCommits } from './run-projection';
import { RunProjectionWriter } from './run-projection.writer';
import { RunReadRepository } from './run-read.repository';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import { RunLogFixture } from './testing/run-commits.fixture';

describe('RunReadRepository', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let reads: RunReadRepository;

  /**
   * 30 runs, one a minute from 2030-01-01: workflows alternate, every third fails, the last runs
   * on; every fifth is `user:b`'s, the others `team-a`'s. run-04 was started in trace TRACE_ID.
   */
  const T0 = Date.parse('2030-01-01T00:00:00.000Z');
  const minute = (i: number): Date => new Date(T0 + i * 60_000);
  const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

  beforeAll(async () => {
    db = await createTestDatabase('reads');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    reads = new RunReadRepository(ds);
    const commits: StoredRunCommit[] = [];
    let seq = 0;
    for (let i = 0; i < 30; i++) {
      const log = new RunLogFixture(`run-${String(i).padStart(2, '0')}`, minute(i).getTime());
      const owner = i % 5 === 0 ? 'user:b' : 'team-a';
      const start = log.commit(++seq, log.started(i % 2 === 0 ? 'digest' : 'triage', undefined, owner));
      commits.push(i === 4 ? { ...start, traceId: TRACE_ID } : start);
      commits.push(
        log.commit(++seq, log.stepStarted('first'), log.stepSucceeded('first'), log.stepStarted('second')),
      );
      if (i === 29) continue;
      commits.push(log.commit(++seq, i % 3 === 0 ? log.stepFailed('second') : log.stepSucceeded('second')));
      commits.push(log.commit(++seq, i % 3 === 0 ? log.failed('second') : log.succeeded(`out ${i}`)));
    }
    await new RunProjectionWriter(ds).write(projectCommits(commits));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it('findRun returns the run with its steps in order, or null', async () => {
    const run = await reads.findRun('run-04');
    expect(run).toMatchObject({
      id: 'run-04',
      workflow: 'digest',
      status: 'succeeded',
      output: 'out 4',
      inputs: { topic: 'crm' },
      startedAt: minute(4).toISOString(),
      stepsTotal: 2,
      stepsSucceeded: 2,
      traceId: TRACE_ID,
    });
    expect((await reads.findRun('run-05'))?.traceId).toBeNull();
    expect(run?.steps.map((s) => [s.position, s.stepId, s.status])).toEqual([
      [0, 'first', 'succeeded'],
      [1, 'second', 'succeeded'],
    ]);
    expect(run?.steps[0].startedAt).toBe(new Date(minute(4).getTime() + 1000).toISOString());
    expect(await reads.findRun('nope')).toBeNull();
  });

  it('listRuns returns newest first with default and bounded limits', async () => {
    const page = await reads.listRuns();
    expect(page.runs).toHaveLength(30);
    expect(page.runs[0].id).toBe('run-29');
    expect(page.runs[29].id).toBe('run-00');
    expect(page.nextCursor).toBeNull();
    expect((await reads.listRuns({ limit: 0 })).runs).toHaveLength(1);
    expect((await reads.listRuns({ limit: 10_000 })).runs).toHaveLength(30);
  });

  it('filters by workflow, status and start time', async () => {
    const digest = await reads.listRuns({ workflow: 'digest' });
    expect(digest.runs.map((r) => r.id)).toEqual(
      Array.from({ length: 15 }, (_, k) => `run-${String(28 - 2 * k).padStart(2, '0')}`),
    );
    const failed = await reads.listRuns({ status: 'failed' });
    expect(failed.runs.map((r) => r.id)).toEqual([
      'run-27',
      'run-24',
      'run-21',
      'run-18',
      'run-15',
      'run-12',
      'run-09',
      'run-06',
      'run-03',
      'run-00',
    ]);
    expect(failed.runs[0].error).toMatchObject({ code: 'STEP_FAILED', stepId: 'second' });
    const failedTriage = await reads.listRuns({ workflow: 'triage', status: 'failed' });
    expect(failedTriage.runs.map((r) => r.id)).toEqual(['run-27', 'run-21', 'run-15', 'run-09', 'run-03']);
    const recent = await reads.listRuns({ since: minute(25) });
    expect(recent.runs.map((r) => r.id)).toEqual(['run-29', 'run-28', 'run-27', 'run-26', 'run-25']);
    expect((await reads.listRuns({ workflow: 'unknown' })).runs).toEqual([]);
  });

  it("lists only the runs of the caller's owners, pages and counts included", async () => {
    const theirs = await reads.listRuns({ owners: ['user:b'] });
    expect(theirs.runs.map((r) => [r.id, r.owner])).toEqual(
      ['run-25', 'run-20', 'run-15', 'run-10', 'run-05', 'run-00'].map((id) => [id, 'user:b']),
    );
    const paged = await reads.listRuns({ owners: ['user:b'], limit: 4 });
    const rest = await reads.listRuns({ owners: ['user:b'], limit: 4, before: paged.nextCursor ?? '' });
    expect(rest.runs.map((r) => r.id)).toEqual(['run-05', 'run-00']);
    expect((await reads.listRuns({ owners: ['team-a', 'user:b'] })).runs).toHaveLength(30);
    expect((await reads.listRuns({ owners: [] })).runs).toEqual([]);
    expect((await reads.listRuns({ owners: ['user:c'], workflow: 'digest' })).runs).toEqual([]);
    expect(await reads.countByStatus(undefined, ['user:b'])).toEqual({
      running: 0,
      paused: 0,
      waiting: 0,
      succeeded: 4,
      failed: 2,
      cancelled: 0,
    });
  });

  it('pages through every run once with the cursor', async () => {
    const seen: string[] = [];
    let before: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await reads.listRuns({ limit: 7, before, workflow: undefined });
      seen.push(...page.runs.map((r) => r.id));
      if (!page.nextCursor) break;
      before = page.nextCursor;
    }
    expect(seen).toHaveLength(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen[0]).toBe('run-29');
    expect(seen[29]).toBe('run-00');

    const firstFailed = await reads.listRuns({ status: 'failed', limit: 3 });
    const nextFailed = await reads.listRuns({
      status: 'failed',
      limit: 3,
      before: firstFailed.nextCursor ?? '',
    });
    expect(nextFailed.runs.map((r) => r.id)).toEqual(['run-18', 'run-15', 'run-12']);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(reads.listRuns({ before: 'not-a-cursor' })).rejects.toBeInstanceOf(ChainmailError);
    await expect(
      reads.listRuns({ before: Buffer.from('["x","y"]').toString('base64url') }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });

  it('counts runs by status, for all workflows or one', async () => {
    expect(await reads.countByStatus()).toEqual({
      running: 1,
      paused: 0,
      waiting: 0,
      succeeded: 19,
      failed: 10,
      cancelled: 0,
    });
    expect(await reads.countByStatus('triage')).toEqual({
      running: 1,
      paused: 0,
      waiting: 0,
      succeeded: 9,
      failed: 5,
      cancelled: 0,
    });
    expect(await reads.countByStatus('unknown')).toEqual({
      running: 0,
      paused: 0,
      waiting: 0,
      succeeded: 0,
      failed: 0,
      cancelled: 0,
    });
  });
});
