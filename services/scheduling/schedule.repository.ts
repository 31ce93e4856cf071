import type { DataSource } from 'typeorm';
import { CLAIM_TICK, ENSURE_STATE, LOCK_STATE, MARK_EVALUATED, PRUNE_TICKS } from './schedule.sql';

export interface ScheduleKey {
  workflow: string;
  triggerKey: string;
}

/** A tick the caller wants fired. */
export interface PlannedTick {
  scheduledFor: Date;
  runId: string;
  version: number;
}

export type EvaluationOutcome =
  /** Another replica holds the schedule right now: it evaluates it. */
  | { kind: 'busy' }
  /** Nothing to fire (nothing due, or the due tick was missed). */
  | { kind: 'idle'; evaluatedUntil: Date }
  /** This call claimed the tick and sent its run. */
  | { kind: 'fired'; tick: PlannedTick; evaluatedUntil: Date }
  /** The tick had been claimed already (by another replica, or before a lost state row). */
  | { kind: 'already-fired'; tick: PlannedTick; evaluatedUntil: Date };

export interface EvaluateOptions {
  now: Date;
  /** Fired ticks before this are pruned when a new one is claimed. */
  pruneBefore: Date;
  /** Decides from the evaluation mark which tick, if any, to fire. */
  plan: (evaluatedUntil: Date | undefined) => PlannedTick | undefined;
  /** Sends the tick's run; a throw leaves everything as it was, for a later pass. */
  send: (tick: PlannedTick) => Promise<void>;
}

/** The `schedule_states` and `schedule_ticks` tables: each tick of each schedule fired once. */
export class ScheduleRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Evaluates one schedule at `now`, in one transaction that holds its state row: plans from the
   * mark, claims the tick, sends its run, then moves the mark to `now`, committed only after the
   * send. A crash before the commit leaves nothing claimed: the tick is sent again later with the
   * same command id, which JetStream dedupes.
   */
  async evaluate(key: ScheduleKey, options: EvaluateOptions): Promise<EvaluationOutcome> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      const params = [key.workflow, key.triggerKey];
      await runner.query(ENSURE_STATE, params);
      const locked = (await runner.query(LOCK_STATE, params)) as Array<{ evaluated_until: Date | null }>;
      if (locked.length === 0) {
        await runner.commitTransaction();
        return { kind: 'busy' };
      }
      const tick = options.plan(locked[0].evaluated_until ?? undefined);
      let claimed = false;
      if (tick !== undefined) {
        const rows = (await runner.query(CLAIM_TICK, [
          ...params,
          tick.scheduledFor,
          tick.runId,
          tick.version,
          options.now,
        ])) as unknown[];
        claimed = rows.length > 0;
        if (claimed) {
          await options.send(tick);
          await runner.query(PRUNE_TICKS, [...params, options.pruneBefore]);
        }
      }
      const marked = (await runner.query(MARK_EVALUATED, [...params, options.now])) as [
        Array<{ evaluated_until: Date }>,
        number,
      ];
      await runner.commitTransaction();
      const evaluatedUntil = marked[0][0]?.evaluated_until ?? options.now;
      if (tick === undefined) return { kind: 'idle', evaluatedUntil };
      return { kind: claimed ? 'fired' : 'already-fired', tick, evaluatedUntil };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  }
}
