import { inRetryingTransaction } from '@chainmail/persistence';
import type { TimerPurpose } from '@chainmail/contracts';
import type { DataSource, QueryRunner } from 'typeorm';
import { mergeTimerPlans, type TimerBatch, type TracedTimerPlan } from './timer-batch';
import {
  CLAIM_DUE,
  DISARM_STEPS,
  END_RUNS,
  LOCK_TIMER_RUNS,
  MARK_FIRED,
  NEXT_DUE,
  WRITE_TIMERS,
} from './timer.sql';

/** An armed timer whose time has come. */
export interface DueTimer {
  id: string;
  runId: string;
  purpose: TimerPurpose;
  dueAt: Date;
  traceparent?: string;
}

export interface FireResult {
  /** Sent and marked fired. */
  fired: number;
  /** Claimed but not sent: still armed, taken again on a later pass. */
  failed: number;
}

/** Postgres codes after which the whole transaction can simply run again. */

/** The `durable_timers` table: arming from run commits, and firing each due timer once. */
export class TimerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Stores what a batch of commits does to timers, in one transaction. Returns the earliest due
   * time it armed (the batch's own view; a row a later commit already set may keep another).
   */
  async apply(plans: readonly TracedTimerPlan[]): Promise<{ earliestDueMs?: number }> {
    const batch = mergeTimerPlans(plans);
    const runIds = new Set([
      ...batch.ends.map((e) => e.runId),
      ...batch.stepDisarms.map((s) => s.runId),
      ...batch.writes.map((w) => w.runId),
    ]);
    if (runIds.size === 0) return {};
    await inRetryingTransaction(this.dataSource, (runner) => this.write(runner, [...runIds], batch));
    return { earliestDueMs: batch.earliestDueMs };
  }

  /**
   * Claims up to `limit` timers due at `now`, hands each to `send`, and marks the sent ones fired
   * in the transaction that claimed them, committed only after the sends. A crash before the
   * commit leaves them armed: they are sent again with the same command id, which JetStream
   * dedupes. A failed send leaves its timer armed for a later pass.
   */
  async fireDue(now: Date, limit: number, send: (timer: DueTimer) => Promise<void>): Promise<FireResult> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows = (await runner.query(CLAIM_DUE, [now, limit])) as DueRow[];
      const due = rows.map(toDueTimer);
      const sent = await Promise.allSettled(due.map((timer) => send(timer)));
      const firedIds = due.filter((_, i) => sent[i].status === 'fulfilled').map((t) => t.id);
      if (firedIds.length > 0) await runner.query(MARK_FIRED, [firedIds, now]);
      await runner.commitTransaction();
      const failures = sent.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failures.length > 0 && firedIds.length === 0) throw failures[0].reason;
      return { fired: firedIds.length, failed: failures.length };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** The earliest due time of an armed timer, if any. */
  async nextDue(): Promise<Date | undefined> {
    const rows = (await this.dataSource.query(NEXT_DUE)) as Array<{ due_at: Date | null }>;
    return rows[0]?.due_at ?? undefined;
  }

  private async write(runner: QueryRunner, runIds: string[], batch: TimerBatch): Promise<void> {
    await runner.query(LOCK_TIMER_RUNS, [runIds]);
    if (batch.ends.length > 0) {
      await runner.query(END_RUNS, [
        JSON.stringify(batch.ends.map((e) => ({ run_id: e.runId, seq: e.seq }))),
      ]);
    }
    if (batch.stepDisarms.length > 0) {
      const rows = batch.stepDisarms.map((s) => ({
        run_id: s.runId,
        step_id: s.stepId,
        visit: s.visit,
        seq: s.seq,
      }));
      await runner.query(DISARM_STEPS, [JSON.stringify(rows)]);
    }
    if (batch.writes.length > 0) {
      const rows = batch.writes.map((w) => ({
        id: w.id,
        run_id: w.runId,
        purpose: w.purpose,
        due_at: w.dueAtMs === undefined ? null : new Date(w.dueAtMs).toISOString(),
        state: w.state,
        seq: w.seq,
        traceparent: w.traceparent ?? null,
      }));
      await runner.query(WRITE_TIMERS, [JSON.stringify(rows)]);
    }
  }
}

interface DueRow {
  id: string;
  run_id: string;
  purpose: TimerPurpose;
  due_at: Date;
  traceparent: string | null;
}

function toDueTimer(row: DueRow): DueTimer {
  return {
    id: row.id,
    runId: row.run_id,
    purpose: row.purpose,
    dueAt: row.due_at,
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}
