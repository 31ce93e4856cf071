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

  constructor(private readonly dataSource: DataSource) {
    this.rows = dataSource.getRepository(CaughtMail);
  }

  async save(mail: CaughtMailInput, keep = 500): Promise<number> {
    const [row]: { id: string }[] = await this.dataSource.query(
      `INSERT INTO caught_mail (envelope_from, envelope_to, from_header, to_header, subject, date, message_id,
                                in_reply_to, "references", text_body, html_body, raw, size)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING id`,
      [
        mail.envelopeFrom,
        JSON.stringify(mail.envelopeTo),
        mail.from,
        mail.to,
        mail.subject,
        mail.date,
        mail.messageId,
        mail.inReplyTo,
        JSON.stringify(mail.references),
        mail.text,
        mail.html,
        mail.raw,
        mail.raw.length,
      ],
    );
    await this.dataSource.query(
      `DELETE FROM caught_mail WHERE id <= (SELECT id FROM caught_mail ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [keep],
    );
    return Number(row.id);
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
