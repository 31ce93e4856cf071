import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/**
 * A run that ended, as scheduling saw it: commits at or below `seq` arm none of its timers again
 * (a redelivered old commit after the end). One small row per ended run.
 */
@Entity({ name: 'timer_finished_runs' })
export class FinishedTimerRun {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  /** Stream sequence of the terminal commit. */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  seq!: number;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt!: Date;
}
