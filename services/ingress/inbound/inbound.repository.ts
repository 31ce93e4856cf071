import { Logger } from '@nestjs/common';
import { InboundMessage, type InboundChannel, type InboundStatus } from '@chainmail/persistence';
import type { DataSource, Repository } from 'typeorm';
import type { InboundEntry, InboundRecorder } from './inbound-record';

export interface InboundFilter {
  channel?: InboundChannel;
  status?: InboundStatus;
  workflow?: string;
  /** Only records of these workflows (the caller's visible ones); absent: every record. */
  workflows?: string[];
  /** With `workflows`: also the records that reached no workflow (unknown address, bad path). */
  unbound?: boolean;
  limit?: number;
}

export interface InboundView {
  id: string;
  channel: InboundChannel;
  receivedAt: string;
  status: InboundStatus;
  reason: string | null;
  from: string | null;
  to: string | null;
  path: string | null;
  subject: string | null;
  messageId: string | null;
  idempotencyKey: string | null;
  size: number | null;
  runId: string | null;
  workflow: string | null;
  remoteAddress: string | null;
}

export const INBOUND_LIST_MAX = 500;
const INBOUND_LIST_DEFAULT = 50;
/** Text columns come from senders: bounded so a hostile header cannot bloat the table. */
const MAX_TEXT = 1000;

/** `inbound_messages`: one INSERT per delivery (several rows in one statement for a multi-recipient mail). */
export class InboundRepository implements InboundRecorder {
  private readonly logger = new Logger('inbound');
  private readonly rows: Repository<InboundMessage>;

  constructor(dataSource: DataSource) {
    this.rows = dataSource.getRepository(InboundMessage);
  }

  async record(entries: InboundEntry | InboundEntry[]): Promise<void> {
    const list = Array.isArray(entries) ? entries : [entries];
    if (list.length === 0) return;
    try {
      await this.rows.insert(list.map(toRow));
    } catch (err) {
      // The delivery was answered already; losing its record is logged loudly, never thrown.
      this.logger.error(
        `could not record ${list.length} inbound ${list[0].channel} entr(ies): ${(err as Error).message}`,
      );
    }
  }

  async list(filter: InboundFilter = {}): Promise<InboundView[]> {
    const limit = Math.min(filter.limit ?? INBOUND_LIST_DEFAULT, INBOUND_LIST_MAX);
    const query = this.rows
      .createQueryBuilder('m')
      .orderBy('m.receivedAt', 'DESC')
      .addOrderBy('m.id', 'DESC')
      .limit(limit);
    if (filter.channel) query.andWhere('m.channel = :channel', { channel: filter.channel });
    if (filter.status) query.andWhere('m.status = :status', { status: filter.status });
    if (filter.workflow) query.andWhere('m.workflow = :workflow', { workflow: filter.workflow });
    if (filter.workflows !== undefined) {
      query.andWhere(
        filter.unbound === true
          ? '(m.workflow = ANY(:workflows) OR m.workflow IS NULL)'
          : 'm.workflow = ANY(:workflows)',
        { workflows: filter.workflows },
      );
    }
    return (await query.getMany()).map(toView);
  }
}

function toRow(entry: InboundEntry): InboundMessage {
  const row = new InboundMessage();
  row.id = entry.id;
  row.channel = entry.channel;
  row.receivedAt = entry.receivedAt;
  row.status = entry.status;
  row.reason = clip(entry.reason);
  row.sender = clip(entry.sender);
  row.recipient = clip(entry.recipient);
  row.path = clip(entry.path);
  row.subject = clip(entry.subject);
  row.messageId = clip(entry.messageId);
  row.idempotencyKey = clip(entry.idempotencyKey);
  row.sizeBytes = entry.sizeBytes ?? null;
  row.runId = entry.runId ?? null;
  row.workflow = entry.workflow ?? null;
  row.remoteAddress = clip(entry.remoteAddress);
  return row;
}

function clip(text: string | undefined): string | null {
  if (text === undefined) return null;
  // Postgres text cannot hold NUL; a sender can put one in a header.
  const clean = text.replace(/\0/g, '');
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT)}…` : clean;
}

function toView(row: InboundMessage): InboundView {
  return {
    id: row.id,
    channel: row.channel,
    receivedAt: row.receivedAt.toISOString(),
    status: row.status,
    reason: row.reason,
    from: row.sender,
    to: row.recipient,
    path: row.path,
    subject: row.subject,
    messageId: row.messageId,
    idempotencyKey: row.idempotencyKey,
    size: row.sizeBytes,
    runId: row.runId,
    workflow: row.workflow,
    remoteAddress: row.remoteAddress,
  };
}
