import { In, type DataSource, type Repository } from 'typeorm';
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

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(Delivery);
  }

  /**
   * Claims the delivery for one attempt. A `sending` row untouched for `staleAfterMs` belongs to a
   * sender that stopped mid-way: it is marked failed (not resent, which could send it twice).
   */
  async claim(intent: DeliveryIntent, now: Date, staleAfterMs: number): Promise<DeliveryClaim> {
    // ON CONFLICT DO NOTHING: a row that exists already is the answer, not an error.
    const inserted = await this.rows
      .createQueryBuilder()
      .insert()
      .values({
        id: intent.id,
        runId: intent.runId,
        channel: intent.channel,
        kind: intent.kind,
        status: 'sending',
        attempts: 1,
        recipient: intent.recipient,
        messageId: intent.messageId ?? null,
        subject: intent.subject ?? null,
        createdAt: now,
        updatedAt: now,
      })
      .orIgnore()
      .returning(['attempts'])
      .updateEntity(false)
      .execute();
    const claimed = inserted.raw as { attempts: number }[];
    if (claimed.length > 0) return { outcome: 'claimed', attempt: claimed[0].attempts };
    const retried = await this.rows
      .createQueryBuilder()
      .update()
      .set({ status: 'sending', attempts: () => 'attempts + 1', nextAttemptAt: null, updatedAt: now })
      .where("id = :id AND status = 'retrying' AND next_attempt_at <= :now", { id: intent.id, now })
      .returning(['attempts'])
      .updateEntity(false)
      .execute();
    const again = retried.raw as { attempts: number }[];
    if (again.length > 0) return { outcome: 'claimed', attempt: again[0].attempts };
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
    await this.rows.update({ id }, { status: 'sent', sentAt: now, updatedAt: now, nextAttemptAt: null });
  }

  /** A transient failure: attempt again at `nextAttemptAt`. */
  async markRetrying(id: string, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
    await this.rows.update(
      { id },
      { status: 'retrying', lastError: clip(error), nextAttemptAt, updatedAt: now },
    );
  }

  async markFailed(id: string, error: string, now: Date): Promise<void> {
    await this.settle(id, 'failed', error, now);
  }

  /** Final statuses of these ids; ids without a row are absent from the map. */
  async statuses(ids: readonly string[]): Promise<Map<string, DeliveryStatus>> {
    if (ids.length === 0) return new Map();
    const rows = await this.rows.find({ select: { id: true, status: true }, where: { id: In([...ids]) } });
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
    const result = await this.rows.update(onlyFrom === undefined ? { id } : { id, status: onlyFrom }, {
      status,
      lastError: clip(error),
      nextAttemptAt: null,
      updatedAt: now,
    });
    return (result.affected ?? 0) > 0;
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
