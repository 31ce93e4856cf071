import { Column, Entity, PrimaryColumn } from 'typeorm';

export type DeliveryChannel = 'email' | 'webhook';
/**
 * `sending`: claimed, being sent (or the sender stopped mid-way); `retrying`: a transient failure,
 * tried again at `next_attempt_at`; `sent` and `failed` are final.
 */
export type DeliveryStatus = 'sending' | 'retrying' | 'sent' | 'failed';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['sending', 'retrying', 'sent', 'failed'];

/**
 * One notification of a run: a mail or a webhook call. Written only by the notification service.
 * The row is inserted before anything is sent, so a redelivered run event finds it and sends
 * nothing twice.
 */
@Entity({ name: 'deliveries' })
export class Delivery {
  /** `${runId}/${kind}`: deterministic, so every replica and redelivery claims the same row. */
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'run_id', type: 'text' })
  runId!: string;

  @Column({ type: 'text' })
  channel!: DeliveryChannel;

  /** `ack`, `step-<stepId>-<visit>`, `done`, `failed`, `cancelled`, `webhook`. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ type: 'text' })
  status!: DeliveryStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  /** Mail recipients (comma-separated) or the webhook URL. */
  @Column({ type: 'text' })
  recipient!: string;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
