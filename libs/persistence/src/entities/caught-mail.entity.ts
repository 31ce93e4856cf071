import { Column, Entity, PrimaryColumn } from 'typeorm';
import { bigintAsNumber } from './bigint.transformer';

/**
 * A mail received by the local mail catcher (the SMTP sink of the default install), kept so
 * `/mailbox` can show what Chainmail sent. Only the newest few hundred are kept.
 */
@Entity({ name: 'caught_mail' })
export class CaughtMail {
  /** An identity column: Postgres numbers the rows, inserts leave it out. */
  @PrimaryColumn({ type: 'bigint', transformer: bigintAsNumber })
  id!: number;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  /** SMTP envelope: MAIL FROM and RCPT TO. */
  @Column({ name: 'envelope_from', type: 'text' })
  envelopeFrom!: string;

  @Column({ name: 'envelope_to', type: 'jsonb' })
  envelopeTo!: string[];

  @Column({ name: 'from_header', type: 'text' })
  from!: string;

  @Column({ name: 'to_header', type: 'text' })
  to!: string;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ type: 'timestamptz', nullable: true })
  date!: Date | null;

  @Column({ name: 'message_id', type: 'text', nullable: true })
  messageId!: string | null;

  @Column({ name: 'in_reply_to', type: 'text', nullable: true })
  inReplyTo!: string | null;

  @Column({ type: 'jsonb' })
  references!: string[];

  @Column({ name: 'text_body', type: 'text', nullable: true })
  text!: string | null;

  @Column({ name: 'html_body', type: 'text', nullable: true })
  html!: string | null;

  @Column({ type: 'bytea' })
  raw!: Buffer;

  @Column({ type: 'integer' })
  size!: number;
}
