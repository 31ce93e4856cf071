import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { AttemptError, StepError, StepViewStatus, Usage } from '@chainmail/contracts';
import type { StepDecision } from '../run-projection';
import { bigintAsNumber } from './bigint.transformer';

/** One row per step of a run: its latest visit and attempt. Written only by the projector. */
@Entity({ name: 'run_steps' })
export class StepView {
  @PrimaryColumn({ name: 'run_id', type: 'text' })
  runId!: string;

  @PrimaryColumn({ name: 'step_id', type: 'text' })
  stepId!: string;

  @Column({ type: 'text' })
  status!: StepViewStatus;

  @Column({ type: 'text', nullable: true })
  agent!: string | null;

  @Column({ type: 'integer' })
  visit!: number;

  /** Attempt number within the current visit (0 when the step was skipped without one). */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ type: 'text', nullable: true })
  input!: string | null;

  @Column({ type: 'text', nullable: true })
  output!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: StepError | null;

  @Column({ type: 'jsonb', nullable: true })
  usage!: Usage | null;

  @Column({ name: 'skip_reason', type: 'text', nullable: true })
  skipReason!: string | null;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @Column({ name: 'duration_ms', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  durationMs!: number | null;

  /** Ordering key of the step's first appearance in the log (stream sequence, event index). */
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  position!: number;

  @Column({ name: 'last_seq', type: 'bigint', transformer: bigintAsNumber })
  lastSeq!: number;

  @Column({ type: 'text', nullable: true })
  kind!: string | null;

  /** A parallel or foreach step's output list. */
  @Column({ type: 'jsonb', nullable: true })
  items!: unknown[] | null;

  /** Set when the visit opened a checkpoint; it is open while the step waits without a decision. */
  @Column({ name: 'checkpoint_message', type: 'text', nullable: true })
  checkpointMessage!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  decision!: StepDecision | null;

  /** The current visit's failed attempts, oldest first. */
  @Column({ name: 'attempt_errors', type: 'jsonb', nullable: true })
  attemptErrors!: AttemptError[] | null;
  /** Who may decide at the checkpoint (addresses, `owner`, `team:<id>`). */
  @Column({ name: 'checkpoint_approvers', type: 'jsonb', nullable: true })
  checkpointApprovers!: string[] | null;

  /** What each decision does: `{approve: 'continue', reject: 'abort', edit: 'goto draft'}`. */
  @Column({ name: 'checkpoint_actions', type: 'jsonb', nullable: true })
  checkpointActions!: Record<string, string> | null;

  @Column({ name: 'checkpoint_deadline', type: 'timestamptz', nullable: true })
  checkpointDeadline!: Date | null;
}
