import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { TimerPurpose } from '@chainmail/contracts';
import { bigintAsNumber } from './bigint.transformer';

export type DurableTimerState = 'armed' | 'fired' | 'disarmed';

/**
 * A timer of the scheduling service: retry backoff, step and run timeouts. Written only by
 * scheduling. A fired or disarmed row stays as a tombstone until its run ends, so a redelivered
 * commit cannot arm it again; the partial index over armed due times is declared in the migration.
 */
@Entity({ name: 'durable_timers' })
export class DurableTimer {
  /** `${runId}/${kind}[/${stepId}/${visit}/${attempt}]`, also the `FireTimer` command id. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ type: 'text' })
  kind!: TimerPurpose['kind'];

  @Column({ type: 'jsonb' })
  purpose!: TimerPurpose;

  /** Null only for a tombstone whose arming commit has not been seen. */
  @Column({ name: 'due_at', type: 'timestamptz', nullable: true })
  dueAt!: Date | null;

  @Column({ type: 'text' })
  state!: DurableTimerState;

  /** Stream sequence of the commit that last set the row: older commits never overwrite it. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  /** Trace context of the arming commit, so the firing joins the run's trace. */
  @Column({ type: 'text', nullable: true })
  traceparent!: string | null;

  @Column({ name: 'fired_at', type: 'timestamptz', nullable: true })
  firedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
