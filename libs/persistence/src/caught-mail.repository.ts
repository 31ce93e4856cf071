import type { DataSource, Repository } from 'typeorm';
import { CaughtMail } from './entities/caught-mail.entity';

/** A mail as the catcher stores it. */
export interface CaughtMailInput {
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  to: string;
  subject: string;
  date: Date | null;
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  text: string | null;
  html: string | null;
  raw: Buffer;
}

/** One line of `GET /v1/mailbox`. */
export interface CaughtMailSummary {
  id: number;
  receivedAt: string;
  from: string;
  to: string;
  subject: string;
  date: string | null;
  messageId: string | null;
  inReplyTo: string | null;
}

/** `GET /v1/mailbox/:id`: the summary with the envelope, threading, bodies and the raw message. */
export interface CaughtMailDetail extends CaughtMailSummary {
  envelopeFrom: string;
  envelopeTo: string[];
  references: string[];
  text: string | null;
  html: string | null;
  raw: string;
  size: number;
}

export const MAILBOX_LIST_LIMIT = 200;

/** The local mail catcher's mailbox. Bounded: `save` keeps only the newest `keep` mails. */
export class CaughtMailRepository {
  private readonly rows: Repository<CaughtMail>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(CaughtMail);
  }

  async save(mail: CaughtMailInput, keep = 500): Promise<number> {
    const inserted = await this.rows
      .createQueryBuilder()
      .insert()
      // No id and no receipt time: Postgres numbers the row and stamps it.
      .values({
        envelopeFrom: mail.envelopeFrom,
        envelopeTo: mail.envelopeTo,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        date: mail.date,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        text: mail.text,
        html: mail.html,
        raw: mail.raw,
        size: mail.raw.length,
      })
      .returning(['id'])
      .updateEntity(false)
      .execute();
    const newestDropped = this.rows
      .createQueryBuilder('kept')
      .select('kept.id')
      .orderBy('kept.id', 'DESC')
      .offset(keep)
      .limit(1);
    await this.rows
      .createQueryBuilder()
      .delete()
      .where(`id <= (${newestDropped.getQuery()})`)
      .setParameters(newestDropped.getParameters())
      .execute();
    return Number((inserted.raw as { id: string }[])[0].id);
  }

  /** Newest first. */
  async list(limit = MAILBOX_LIST_LIMIT): Promise<CaughtMailSummary[]> {
    const rows = await this.rows.find({
      select: {
        id: true,
        receivedAt: true,
        from: true,
        to: true,
        subject: true,
        date: true,
        messageId: true,
        inReplyTo: true,
      },
      order: { id: 'DESC' },
      take: Math.min(Math.max(1, limit), MAILBOX_LIST_LIMIT),
    });
    return rows.map(toSummary);
  }

  /** Newest first, with bodies (the HTML mailbox page). */
  async listDetailed(limit = 50): Promise<CaughtMailDetail[]> {
    const rows = await this.rows.find({
      order: { id: 'DESC' },
      take: Math.min(Math.max(1, limit), MAILBOX_LIST_LIMIT),
    });
    return rows.map(toDetail);
  }

  async get(id: number): Promise<CaughtMailDetail | null> {
    const row = await this.rows.findOneBy({ id });
    return row ? toDetail(row) : null;
  }
}

function toSummary(row: CaughtMail): CaughtMailSummary {
  return {
    id: row.id,
    receivedAt: row.receivedAt.toISOString(),
    from: row.from,
    to: row.to,
    subject: row.subject,
    date: row.date?.toISOString() ?? null,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo,
  };
}

function toDetail(row: CaughtMail): CaughtMailDetail {
  return {
    ...toSummary(row),
    envelopeFrom: row.envelopeFrom,
    envelopeTo: row.envelopeTo,
    references: row.references,
    text: row.text,
    html: row.html,
    raw: row.raw.toString('utf8'),
    size: row.size,
  };
}
