import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far each schedule has been evaluated: ticks up to `evaluated_until` were fired or
 * deliberately skipped. After downtime the ticks between it and now are the missed ones, which
 * the trigger's `catch_up` policy decides about. Written only by scheduling.
 */
@Entity({ name: 'schedule_states' })
export class ScheduleState {
  @PrimaryColumn({ type: 'text' })
  workflow!: string;

  @PrimaryColumn({ name: 'trigger_key', type: 'text' })
  triggerKey!: string;

  /** Null until the first evaluation of a newly seen schedule. */
  @Column({ name: 'evaluated_until', type: 'timestamptz', nullable: true })
  evaluatedUntil!: Date | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
