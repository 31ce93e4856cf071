import type { DataSource, Repository } from 'typeorm';
import { Delivery, type DeliveryChannel, type DeliveryStatus } from './entities/delivery.entity';

/** What a delivery is, known before it is sent. */
export interface DeliveryIntent {
  id: string;
  runId: string;
  channel: DeliveryChannel;
  kind: string;
  recipient: string;
  messageId?: string;
  subject?: string;
}

/**
 * The answer to "may I send this now?":
 * - `claimed`: yes, as attempt `attempt` (the row now says `sending`);
 * - `settled`: no, it is already `sent` or `failed`;
 * - `wait`: no, a retry is due at `until`, or another sender holds it (`busy`).
 */
export type DeliveryClaim =
  | { outcome: 'claimed'; attempt: number }
  | { outcome: 'settled'; status: 'sent' | 'failed' }
  | { outcome: 'wait'; until: Date; busy: boolean };

/** A delivery as `GET /v1/runs/:id/deliveries` shows it. */
export interface DeliveryRecord {
  id: string;
  runId: string;
  channel: DeliveryChannel;
  kind: string;
  status: DeliveryStatus;
  attempts: number;
  recipient: string;
  messageId: string | null;
  subject: string | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** Stays within a column's worth: SMTP replies and HTTP bodies can be long. */
const MAX_ERROR_LENGTH = 2000;

/**
 * The `deliveries` table: one row per notification, inserted before it is sent. The claim is the
 * idempotency guard — an insert that meets the row sends nothing — so a crash between claim and
 * send loses that notification rather than sending it twice (at most once per delivery id).
 */
export class DeliveryRepository {
  private readonly rows: Repository<Delivery>;

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(Delivery);
  }

  /**
   * Claims the delivery for one attempt. A `sending` row untouched for `staleAfterMs` belongs to a
   * sender that stopped mid-way: it is marked failed (not resent, which could send it twice).
   */
  async claim(intent: DeliveryIntent, now: Date, staleAfterMs: number): Promise<DeliveryClaim> {
    const inserted: { attempts: number }[] = await this.dataSource.query(
      `INSERT INTO deliveries (id, run_id, channel, kind, status, attempts, recipient, message_id, subject, created_at, updated_at)
       VALUES ($1, $2, $3, $4, 'sending', 1, $5, $6, $7, $8, $8)
       ON CONFLICT (id) DO NOTHING
       RETURNING attempts`,
      [
        intent.id,
        intent.runId,
        intent.channel,
        intent.kind,
        intent.recipient,
        intent.messageId ?? null,
        intent.subject ?? null,
        now,
      ],
    );
    if (inserted.length > 0) return { outcome: 'claimed', attempt: inserted[0].attempts };
    const [retried]: { attempts: number }[][] = await this.dataSource.query(
      `UPDATE deliveries SET status = 'sending', attempts = attempts + 1, next_attempt_at = NULL, updated_at = $2
       WHERE id = $1 AND status = 'retrying' AND next_attempt_at <= $2
       RETURNING attempts`,
      [intent.id, now],
    );
    if (retried.length > 0) return { outcome: 'claimed', attempt: retried[0].attempts };
    const row = await this.rows.findOneBy({ id: intent.id });
    if (!row) throw new Error(`delivery ${intent.id} vanished while being claimed`);
    switch (row.status) {
      case 'sent':
      case 'failed':
        return { outcome: 'settled', status: row.status };
      case 'retrying':
        return { outcome: 'wait', until: row.nextAttemptAt ?? now, busy: false };
      case 'sending': {
        const staleAt = row.updatedAt.getTime() + staleAfterMs;
        if (staleAt > now.getTime()) return { outcome: 'wait', until: new Date(staleAt), busy: true };
        const abandoned = await this.settle(
          intent.id,
          'failed',
          'the sender stopped before confirming this delivery; it is not sent again, so that it cannot arrive twice',
          now,
          'sending',
        );
        return abandoned ? { outcome: 'settled', status: 'failed' } : this.claim(intent, now, staleAfterMs);
      }
    }
  }

  async markSent(id: string, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET status = 'sent', sent_at = $2, updated_at = $2, next_attempt_at = NULL WHERE id = $1`,
      [id, now],
    );
  }

  /** A transient failure: attempt again at `nextAttemptAt`. */
  async markRetrying(id: string, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.dataSource.query(
      `UPDATE deliveries SET status = 'retrying', last_error = $2, next_attempt_at = $3, updated_at = $4 WHERE id = $1`,
      [id, clip(error), nextAttemptAt, now],
    );
  }

  async markFailed(id: string, error: string, now: Date): Promise<void> {
    await this.settle(id, 'failed', error, now);
  }

  /** Final statuses of these ids; ids without a row are absent from the map. */
  async statuses(ids: readonly string[]): Promise<Map<string, DeliveryStatus>> {
    if (ids.length === 0) return new Map();
    const rows: { id: string; status: DeliveryStatus }[] = await this.dataSource.query(
      `SELECT id, status FROM deliveries WHERE id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** The run's deliveries, oldest first. */
  async listForRun(runId: string): Promise<DeliveryRecord[]> {
    const rows = await this.rows.find({ where: { runId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toRecord);
  }

  private async settle(
    id: string,
    status: 'failed',
    error: string,
    now: Date,
    onlyFrom?: DeliveryStatus,
  ): Promise<boolean> {
    const [, count]: [unknown, number] = await this.dataSource.query(
      `UPDATE deliveries SET status = $2, last_error = $3, next_attempt_at = NULL, updated_at = $4
       WHERE id = $1 AND ($5::text IS NULL OR status = $5)`,
      [id, status, clip(error), now, onlyFrom ?? null],
    );
    return count > 0;
  }
}

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function toRecord(row: Delivery): DeliveryRecord {
  return {
    id: row.id,
    runId: row.runId,
    channel: row.channel,
    kind: row.kind,
    status: row.status,
    attempts: row.attempts,
    recipient: row.recipient,
    messageId: row.messageId,
    subject: row.subject,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
  };
}
