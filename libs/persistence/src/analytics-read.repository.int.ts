import {
  makeRunEvent,
  type RunEvent,
  type RunEventMap,
  type RunEventType,
  type StoredRunCommit,
  type Usage,
} from '@chainmail/contracts';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { AnalyticsReadRepository, type WorkflowAnalyticsQuery } from './analytics-read.repository';
import { createDataSource } from './data-source';
import { projectCommits } from './run-projection';
import { RunProjectionWriter } from './run-projection.writer';

/** Builds one run's commits on its own clock: each call moves the clock by `afterMs`. */
class Run {
  private time: number;
  readonly commits: StoredRunCommit[] = [];

  constructor(
    readonly id: string,
    start: string,
    private readonly seqs: { next: number },
  ) {
    this.time = Date.parse(start);
  }

  private event<K extends RunEventType>(type: K, afterMs: number, data: RunEventMap[K]): RunEvent {
    this.time += afterMs;
    return makeRunEvent(type, this.id, new Date(this.time).toISOString(), data);
  }

  private commit(...events: RunEvent[]): this {
    this.commits.push({ runId: this.id, prev: 0, seq: this.seqs.next++, events });
    return this;
  }

  started(workflow: string, version: number, owner: string): this {
    return this.commit(
      this.event('RunStarted', 0, {
        workflow,
        version,
        inputs: {},
        trigger: { kind: 'api' },
        owner,
        actor: owner,
        debug: false,
        commandId: `start-${this.id}`,
        timeoutMs: 600_000,
      }),
    );
  }

  ok(stepId: string, durationMs: number, usage?: Usage, attempt = 1): this {
    return this.commit(
      this.event('StepStarted', 1, { stepId, visit: 1, attempt, agent: `${stepId}@`, kind: 'agent' }),
      this.event('StepSucceeded', durationMs, { stepId, visit: 1, attempt, output: 'x', durationMs, usage }),
    );
  }

  fail(stepId: string, durationMs: number, code: string, attempt = 1): this {
    return this.commit(
      this.event('StepStarted', 1, { stepId, visit: 1, attempt, agent: `${stepId}@`, kind: 'agent' }),
      this.event('StepFailed', durationMs, {
        stepId,
        visit: 1,
        attempt,
        durationMs,
        error: { code, message: code, retryable: attempt === 1 },
      }),
    );
  }

  checkpoint(stepId: string, waitMs: number): this {
    this.commit(
      this.event('StepStarted', 1, { stepId, visit: 1, attempt: 1, kind: 'checkpoint' }),
      this.event('CheckpointOpened', 0, { stepId, visit: 1, message: 'ok?' }),
    );
    return this.commit(
      this.event('CheckpointResolved', waitMs, { stepId, visit: 1, action: 'approve', by: 'user:alice' }),
      this.event('StepSucceeded', 0, { stepId, visit: 1, attempt: 1, output: 'ok', durationMs: waitMs }),
    );
  }

  succeeded(durationMs: number): this {
    return this.commit(this.event('RunSucceeded', 1, { output: 'done', durationMs }));
  }

  failed(durationMs: number): this {
    return this.commit(
      this.event('RunFailed', 1, {
        error: { code: 'STEP_FAILED', message: 'draft failed', retryable: false, stepId: 'draft' },
        durationMs,
      }),
    );
  }

  cancelled(durationMs: number): this {
    return this.commit(this.event('RunCancelled', 1, { reason: 'stop', by: 'user:alice', durationMs }));
  }
}

const ALICE = 'user:alice';
const BOB = 'user:bob';
const cents = (n: number): Usage => ({ costUsd: n / 100, promptTokens: 60 * n, completionTokens: 40 * n });

/**
 * A known set of runs of `report` (and one of `other`, one of Bob's) whose figures are computed
 * by hand below: successes, a failure, a cancellation, a retry and a checkpoint wait.
 */
function knownRuns(): StoredRunCommit[] {
  const seqs = { next: 1 };
  const runs = [
    new Run('r1', '2030-01-01T10:05:00Z', seqs)
      .started('report', 1, ALICE)
      .ok('research', 100, cents(1))
      .ok('draft', 200, cents(2))
      .succeeded(1_000),
    new Run('r2', '2030-01-01T10:20:00Z', seqs)
      .started('report', 1, ALICE)
      .fail('research', 50, 'AGENT_TIMEOUT')
      .ok('research', 150, cents(1), 2)
      .ok('draft', 300, cents(2))
      .checkpoint('review', 60_000)
      .succeeded(65_000),
    new Run('r3', '2030-01-01T11:10:00Z', seqs)
      .started('report', 2, ALICE)
      .ok('research', 120, cents(1))
      .fail('draft', 80, 'AGENT_ERROR')
      .failed(2_000),
    new Run('r4', '2030-01-01T11:30:00Z', seqs)
      .started('report', 2, ALICE)
      .ok('research', 110, cents(1))
      .cancelled(500),
    new Run('r5', '2030-01-01T11:40:00Z', seqs)
      .started('report', 2, BOB)
      .ok('research', 10, cents(9))
      .succeeded(20),
    new Run('r6', '2030-01-01T11:50:00Z', seqs).started('other', 1, ALICE).ok('lookup', 5).succeeded(7),
    // Outside the window.
    new Run('r7', '2030-01-01T12:00:00Z', seqs).started('report', 2, ALICE).ok('research', 1).succeeded(2),
  ];
  // Interleaved as a busy log would have them.
  return runs.flatMap((r) => r.commits).sort((a, b) => a.seq - b.seq);
}

const WINDOW = { since: '2030-01-01T10:00:00.000Z', until: '2030-01-01T12:00:00.000Z' };

describe('AnalyticsReadRepository', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let writer: RunProjectionWriter;
  let analytics: AnalyticsReadRepository;

  beforeAll(async () => {
    db = await createTestDatabase('analytics');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    writer = new RunProjectionWriter(ds);
    analytics = new AnalyticsReadRepository(ds);
    await writer.truncate();
    // Written in small batches, some twice: redeliveries must not change a figure.
    const log = knownRuns();
    for (let i = 0; i < log.length; i += 3) await writer.write(projectCommits(log.slice(i, i + 3)));
    await writer.write(projectCommits(log.slice(2, 9)));
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const reportQuery = (extra: Partial<WorkflowAnalyticsQuery> = {}): WorkflowAnalyticsQuery => ({
    workflow: 'report',
    owners: [ALICE],
    bucket: 'hour',
    ...WINDOW,
    ...extra,
  });

  it("gives a workflow's figures as computed by hand", async () => {
    const figures = await analytics.workflow(reportQuery());
    expect(figures).toMatchObject({
      runs: 4,
      succeeded: 2,
      failed: 1,
      cancelled: 1,
      running: 0,
      successRate: 2 / 3,
      // percentile_cont over [1000, 2000, 65000]: p95 = 2000 + 0.9 × 63000, p99 = 2000 + 0.98 × 63000.
      latencyMs: { p50: 2_000, p95: 58_700, p99: 63_740 },
      tokens: 800,
      errors: [{ code: 'STEP_FAILED', count: 1 }],
      checkpoints: {
        opened: 1,
        resolved: 1,
        waitMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
        totalWaitMs: 60_000,
      },
    });
    expect(figures.cost).toBeCloseTo(0.08, 10);
    expect(figures.costPerRun).toBeCloseTo(0.02, 10);

    const [research, draft, review] = figures.steps;
    expect(figures.steps.map((s) => s.id)).toEqual(['research', 'draft', 'review']);
    expect(research).toMatchObject({
      agent: 'research@',
      runs: 4,
      succeeded: 4,
      failed: 0,
      successRate: 1,
      // Attempts' durations [50, 100, 110, 120, 150].
      latencyMs: { p50: 110, p95: 144, p99: 149 },
      retries: 1,
      tokens: 400,
      errors: [{ code: 'AGENT_TIMEOUT', count: 1 }],
      waitMs: null,
    });
    expect(research.cost).toBeCloseTo(0.04, 10);
    expect(draft).toMatchObject({
      runs: 3,
      succeeded: 2,
      failed: 1,
      successRate: 2 / 3,
      latencyMs: { p50: 200, p95: 290, p99: 298 },
      retries: 0,
      errors: [{ code: 'AGENT_ERROR', count: 1 }],
    });
    expect(review).toMatchObject({ kind: 'checkpoint', agent: null, runs: 1, waitMs: { p50: 60_000 } });

    expect(figures.versions).toEqual([
      { version: 1, runs: 2, succeeded: 2, failed: 0, successRate: 1, latencyMs: expect.any(Object) },
      { version: 2, runs: 2, succeeded: 0, failed: 1, successRate: 0, latencyMs: expect.any(Object) },
    ]);
    expect(figures.series.map((p) => [p.at, p.runs, p.succeeded, p.failed])).toEqual([
      ['2030-01-01T10:00:00.000Z', 2, 2, 0],
      ['2030-01-01T11:00:00.000Z', 2, 0, 1],
    ]);
  });

  it("counts only the caller's owners, and one version when asked", async () => {
    expect((await analytics.workflow(reportQuery({ owners: [BOB] }))).runs).toBe(1);
    expect((await analytics.workflow(reportQuery({ owners: [ALICE, BOB] }))).runs).toBe(5);
    expect((await analytics.workflow(reportQuery({ owners: [] }))).runs).toBe(0);
    const v2 = await analytics.workflow(reportQuery({ version: 2 }));
    expect(v2).toMatchObject({ version: 2, runs: 2, succeeded: 0, failed: 1, cancelled: 1, successRate: 0 });
    expect(v2.steps.map((s) => [s.id, s.runs])).toEqual([
      ['research', 2],
      ['draft', 1],
    ]);
  });

  it('fills every bucket of the series, empty ones with zeros', async () => {
    const day = await analytics.workflow(
      reportQuery({ since: '2030-01-01T08:30:00.000Z', until: '2030-01-01T13:00:00.000Z' }),
    );
    expect(day.series.map((p) => [p.at.slice(11, 16), p.runs, p.successRate])).toEqual([
      ['08:00', 0, null],
      ['09:00', 0, null],
      ['10:00', 2, 1],
      ['11:00', 2, 0],
      ['12:00', 1, 1],
    ]);
  });

  it('gives every agent its calls, outcomes and spend', async () => {
    const agents = await analytics.agents({ owners: [ALICE], ...WINDOW });
    expect(agents.map((a) => [a.agent, a.calls, a.succeeded, a.failed, a.workflows])).toEqual([
      ['research@', 5, 4, 1, 1],
      ['draft@', 3, 2, 1, 1],
      ['lookup@', 1, 1, 0, 1],
    ]);
    expect(agents[0]).toMatchObject({
      successRate: 0.8,
      tokens: 400,
      errors: [{ code: 'AGENT_TIMEOUT', count: 1 }],
    });
  });

  it('gives an overview per workflow', async () => {
    const overview = await analytics.overview({ owners: [ALICE], bucket: 'hour', ...WINDOW });
    expect(overview).toMatchObject({ runs: 5, succeeded: 3, failed: 1, cancelled: 1, successRate: 0.75 });
    expect(overview.workflows.map((w) => [w.workflow, w.runs, w.successRate])).toEqual([
      ['report', 4, 2 / 3],
      ['other', 1, 1],
    ]);
  });

  it('gives the same figures after a rebuild from the log', async () => {
    const before = await analytics.workflow(reportQuery());
    const agentsBefore = await analytics.agents({ owners: [ALICE], ...WINDOW });
    await writer.truncate(1);
    expect((await analytics.workflow(reportQuery())).runs).toBe(0);
    await writer.write(projectCommits(knownRuns()));
    expect(await analytics.workflow(reportQuery())).toEqual(before);
    expect(await analytics.agents({ owners: [ALICE], ...WINDOW })).toEqual(agentsBefore);
  });
});
