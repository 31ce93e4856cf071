import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

export type InboundChannel = 'email' | 'webhook';
export type InboundStatus = 'accepted' | 'refused' | 'failed';
export const INBOUND_CHANNELS: readonly InboundChannel[] = ['email', 'webhook'];
export const INBOUND_STATUSES: readonly InboundStatus[] = ['accepted', 'refused', 'failed'];

/**
 * One inbound mail (per recipient) or webhook call, accepted or refused and why: the answer to
 * "my mail started nothing". Written once by ingress, never updated; not derived from the run log.
 */
@Entity({ name: 'inbound_messages' })
export class InboundMessage {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ type: 'text' })
  channel!: InboundChannel;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** The mail's sender (envelope, or From when the envelope had none). */
  @Column({ type: 'text', nullable: true })
  sender!: string | null;

  @Column({ type: 'text', nullable: true })
  recipient!: string | null;

  /** The webhook path, without `/hooks/`. */
  @Column({ type: 'text', nullable: true })
  path!: string | null;

  @Column({ type: 'text', nullable: true })
  subject!: string | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ name: 'idempotency_key', type: 'text', nullable: true })
  idempotencyKey!: string | null;

  @Column({ name: 'size_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  sizeBytes!: number | null;

  @Column({ type: 'text' })
  status!: InboundStatus;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ name: 'run_id', type: 'text', nullable: true })
  runId!: string | null;

  @Column({ type: 'text', nullable: true })
  workflow!: string | null;

  @Column({ name: 'remote_address', type: 'text', nullable: true })
  remoteAddress!: string | null;
}
