import type { TimerPurpose } from '@chainmail/contracts';
import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import type { TracedTimerPlan } from './timer-batch';
import { timerId } from './timer-plan';
import { TimerRepository, type DueTimer } from './timer.repository';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const step = (stepId: string, attempt = 1, visit = 1): TimerPurpose => ({
  kind: 'step-timeout',
  stepId,
  visit,
  attempt,
});
const runTimeout: TimerPurpose = { kind: 'run-timeout' };

function plan(runId: string, seq: number, parts: Partial<TracedTimerPlan> = {}): TracedTimerPlan {
  return { runId, seq, arm: [], disarm: [], disarmSteps: [], disarmRun: false, ...parts };
}
const armPlan = (runId: string, seq: number, purpose: TimerPurpose, dueAtMs: number): TracedTimerPlan =>
  plan(runId, seq, { arm: [{ id: timerId(runId, purpose), purpose, dueAtMs }] });
const disarmPlan = (runId: string, seq: number, purpose: TimerPurpose): TracedTimerPlan =>
  plan(runId, seq, { disarm: [{ id: timerId(runId, purpose), purpose }] });

describe('TimerRepository against Postgres', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let timers: TimerRepository;

  beforeAll(async () => {
    db = await createTestDatabase('timers');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 6 });
    timers = new TimerRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(() => ds.query('TRUNCATE durable_timers, timer_finished_runs'));

  async function rows(): Promise<Array<[string, string, number | null, number]>> {
    const found = (await ds.query('SELECT id, state, due_at, seq FROM durable_timers ORDER BY id')) as Array<{
      id: string;
      state: string;
      due_at: Date | null;
      seq: string;
    }>;
    return found.map((r) => [r.id, r.state, r.due_at && r.due_at.getTime() - T0, Number(r.seq)]);
  }

  async function fireAll(now: number, repo = timers): Promise<string[]> {
    const sent: string[] = [];
    await repo.fireDue(new Date(now), 100, async (t) => void sent.push(t.id));
    return sent.sort();
  }

  it('arms rows, and arming again (a redelivery) changes nothing', async () => {
    const batch = [armPlan('a', 1, runTimeout, T0 + 9_000), armPlan('a', 2, step('s'), T0 + 500)];
    expect(await timers.apply(batch)).toEqual({ earliestDueMs: T0 + 500 });
    await timers.apply(batch);
    expect(await rows()).toEqual([
      ['a/run-timeout', 'armed', 9_000, 1],
      ['a/step-timeout/s/1/1', 'armed', 500, 2],
    ]);
    const [row] = (await ds.query(`SELECT * FROM durable_timers WHERE id = 'a/run-timeout'`)) as Array<
      Record<string, unknown>
    >;
    expect(row).toMatchObject({ run_id: 'a', kind: 'run-timeout', purpose: runTimeout });
    expect((await timers.nextDue())?.getTime()).toBe(T0 + 500);
  });

  it('a disarm in a later batch leaves a tombstone an old arm cannot revive', async () => {
    await timers.apply([armPlan('a', 2, step('s'), T0 + 500)]);
    await timers.apply([disarmPlan('a', 3, step('s'))]);
    await timers.apply([armPlan('a', 2, step('s'), T0 + 500)]);
    expect(await rows()).toEqual([['a/step-timeout/s/1/1', 'disarmed', 500, 3]]);
    expect(await timers.nextDue()).toBeUndefined();
  });

  it('a disarm written before its arm (replicas racing) still wins', async () => {
    await timers.apply([disarmPlan('a', 3, step('s'))]);
    await timers.apply([armPlan('a', 2, step('s'), T0 + 500)]);
    expect(await rows()).toEqual([['a/step-timeout/s/1/1', 'disarmed', null, 3]]);
  });

  it('a skipped step disarms its armed timers of that visit only', async () => {
    await timers.apply([
      armPlan('a', 2, step('s', 1), T0 + 500),
      armPlan('a', 3, step('s', 1, 2), T0 + 500),
      armPlan('a', 4, runTimeout, T0 + 9_000),
    ]);
    await timers.apply([plan('a', 5, { disarmSteps: [{ stepId: 's', visit: 1 }] })]);
    expect(await rows()).toEqual([
      ['a/run-timeout', 'armed', 9_000, 4],
      ['a/step-timeout/s/1/1', 'disarmed', 500, 5],
      ['a/step-timeout/s/2/1', 'armed', 500, 3],
    ]);
  });

  it('the end of a run drops its timers, and old commits arm none again', async () => {
    await timers.apply([armPlan('a', 1, runTimeout, T0 + 9_000), armPlan('b', 2, runTimeout, T0 + 9_000)]);
    await timers.apply([plan('a', 6, { disarmRun: true })]);
    expect(await rows()).toEqual([['b/run-timeout', 'armed', 9_000, 2]]);
    await timers.apply([armPlan('a', 1, runTimeout, T0 + 9_000), armPlan('a', 4, step('s'), T0 + 1)]);
    expect(await rows()).toEqual([['b/run-timeout', 'armed', 9_000, 2]]);
    // A commit after the end (a rewind) arms again.
    await timers.apply([armPlan('a', 7, step('s', 1, 2), T0 + 1)]);
    expect((await rows()).map((r) => r[0])).toEqual(['a/step-timeout/s/2/1', 'b/run-timeout']);
  });

  it('fires what is due, once, and keeps it as a tombstone', async () => {
    await timers.apply([
      plan('a', 1, {
        arm: [{ id: 'a/run-timeout', purpose: runTimeout, dueAtMs: T0 + 100 }],
        traceparent: 'tp',
      }),
      armPlan('b', 2, runTimeout, T0 + 200),
    ]);
    const sent: DueTimer[] = [];
    expect(await timers.fireDue(new Date(T0 + 150), 10, async (t) => void sent.push(t))).toEqual({
      fired: 1,
      failed: 0,
    });
    expect(sent).toEqual([
      { id: 'a/run-timeout', runId: 'a', purpose: runTimeout, dueAt: new Date(T0 + 100), traceparent: 'tp' },
    ]);
    expect(await fireAll(T0 + 150)).toEqual([]);
    expect(await fireAll(T0 + 10_000)).toEqual(['b/run-timeout']);
    expect(await rows()).toEqual([
      ['a/run-timeout', 'fired', 100, 1],
      ['b/run-timeout', 'fired', 200, 2],
    ]);
    // A redelivered arming commit does not arm a fired timer again; a disarm does not rewrite it.
    await timers.apply([armPlan('a', 1, runTimeout, T0 + 100), disarmPlan('b', 3, runTimeout)]);
    expect((await rows()).map((r) => r[1])).toEqual(['fired', 'fired']);
  });

  it('a failed send leaves the timer armed for the next pass', async () => {
    await timers.apply([armPlan('a', 1, runTimeout, T0), armPlan('b', 2, runTimeout, T0)]);
    const result = await timers.fireDue(new Date(T0), 10, async (t) => {
      if (t.runId === 'a') throw new Error('NATS is away');
    });
    expect(result).toEqual({ fired: 1, failed: 1 });
    await expect(
      timers.fireDue(new Date(T0), 10, () => Promise.reject(new Error('still away'))),
    ).rejects.toThrow('still away');
    expect(await fireAll(T0)).toEqual(['a/run-timeout']);
  });

  it('replicas firing at once take each timer once', async () => {
    const others = [new TimerRepository(ds), new TimerRepository(ds), new TimerRepository(ds)];
    await timers.apply(Array.from({ length: 60 }, (_, i) => armPlan(`r${i}`, i + 1, runTimeout, T0 + i)));
    const sent: string[] = [];
    const slowSend = async (t: DueTimer): Promise<void> => {
      await new Promise((r) => setTimeout(r, 5));
      sent.push(t.id);
    };
    await Promise.all(
      others.flatMap((repo) => [1, 2, 3].map(() => repo.fireDue(new Date(T0 + 1_000), 7, slowSend))),
    );
    while ((await timers.fireDue(new Date(T0 + 1_000), 7, slowSend)).fired > 0);
    expect(sent).toHaveLength(60);
    expect(new Set(sent).size).toBe(60);
  });

  it('concurrent batches that arm and end the same runs leave no live timer of an ended run', async () => {
    const runs = Array.from({ length: 40 }, (_, i) => `c${i}`);
    await Promise.all(
      runs.flatMap((runId) => [
        timers.apply([armPlan(runId, 2, step('s'), T0 + 1)]),
        timers.apply([plan(runId, 5, { disarmRun: true })]),
      ]),
    );
    expect(await rows()).toEqual([]);
  });
});
