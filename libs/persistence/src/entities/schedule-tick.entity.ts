import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A cron tick that was fired: one row per (workflow, schedule trigger, scheduled time). Written
 * only by scheduling. Inserting it (`ON CONFLICT DO NOTHING`) is the claim that makes a tick fire
 * once across replicas and restarts, long after JetStream's duplicate window has passed.
 */
@Entity({ name: 'schedule_ticks' })
export class ScheduleTick {
  @PrimaryColumn({ type: 'text' })
  workflow!: string;

  /** Which schedule of the workflow: its position among the definition's schedule triggers. */
  @PrimaryColumn({ name: 'trigger_key', type: 'text' })
  triggerKey!: string;

  @PrimaryColumn({ name: 'scheduled_for', type: 'timestamptz' })
  scheduledFor!: Date;

  /** Derived from the three keys above, so a resend names the same run. */
  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  /** The workflow version the run was pinned to. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'fired_at', type: 'timestamptz' })
  firedAt!: Date;
}
