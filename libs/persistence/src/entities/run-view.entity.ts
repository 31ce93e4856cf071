import { Column, Entity, PrimaryColumn } from 'typeorm';
import type {
  ForkOrigin,
  PausedAt,
  RunError,
  RunViewStatus,
  TriggerInfo,
  TriggerKind,
} from '@chainmail/contracts';
import { bigintAsNumber } from './bigint.transformer';

/**
 * One row per run, folded from `runs.<runId>`; written only by the projector. Listing indexes
 * (newest first, by workflow or status) are declared in the migration, which can say DESC.
 */
@Entity({ name: 'runs' })
export class RunView {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  workflow!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'text' })
  status!: RunViewStatus;

  @Column({ type: 'text' })
  owner!: string;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ name: 'trigger_kind', type: 'text' })
  triggerKind!: TriggerKind;

  @Column({ type: 'jsonb' })
  trigger!: TriggerInfo;

  @Column({ type: 'jsonb' })
  inputs!: Record<string, unknown>;

  @Column({ type: 'boolean', default: false })
  debug!: boolean;

  @Column({ type: 'text', nullable: true })
  output!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: RunError | null;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt!: Date;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  /** Steps reached so far (started or skipped), counted from `run_steps`. */
  @Column({ name: 'steps_total', type: 'integer', default: 0 })
  stepsTotal!: number;

  @Column({ name: 'steps_succeeded', type: 'integer', default: 0 })
  stepsSucceeded!: number;

  /** Stream sequence of the newest commit folded into this row. */
  @Column({ name: 'last_seq', type: 'bigint', transformer: bigintAsNumber })
  lastSeq!: number;

  /** A sub-workflow run: the run whose step started it. */
  @Column({ name: 'parent_run_id', type: 'text', nullable: true })
  parentRunId!: string | null;

  /** The owner's variables recorded at the start. */
  @Column({ type: 'jsonb', nullable: true })
  vars!: Record<string, unknown> | null;

  /** A paused run (debugging): the step it waits before. */
  @Column({ name: 'paused_at', type: 'jsonb', nullable: true })
  pausedAt!: PausedAt | null;

  /** A forked run: the run, commit and step it came from. */
  @Column({ name: 'forked_from', type: 'jsonb', nullable: true })
  forkedFrom!: ForkOrigin | null;

  /** The W3C trace id of the run's trace (from its `RunStarted` commit); null when it had none. */
  @Column({ name: 'trace_id', type: 'text', nullable: true })
  traceId!: string | null;
}
