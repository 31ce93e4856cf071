import { AUDIT_ACTIONS, type AuditAction, type AuditEntry } from '@chainmail/contracts';
import type { JsMsg, NatsConnection } from 'nats';
import { decodeJson, encodeJson } from './codec';
import { jetStreamOf, type JetStreamHandles } from './jetstream';
import { eventLogNames, type EventLogNames } from './names';
import { readRange } from './ordered-reader';

export interface AuditFilter {
  /** An action (`token.created`) or a group of them (`token`, `team.member`). */
  action?: string;
  /** The acting user. */
  actor?: string;
  /** The target's id (`tok…`, a workflow name, a team id). */
  target?: string;
  /** Only entries appended before this stream sequence (the `seq` of the last entry of a page). */
  before?: number;
  since?: Date;
  limit?: number;
}

export interface StoredAuditEntry extends AuditEntry {
  seq: number;
}

export const AUDIT_LIST_MAX = 500;
const WINDOW = 256;
/** A filter that matches little must not read the whole stream for one page. */
const MAX_SCANNED = 50_000;
const ACTION_PREFIX = /^[a-z_]+(\.[a-z_]+)*$/;

/**
 * The audit trail on its own stream: `audit.<action>` (`audit.token.created`), deny delete and
 * purge. Appends are idempotent by entry id; reads go newest first, a window at a time.
 */
export class AuditLog {
  private readonly jet: JetStreamHandles;

  constructor(
    nc: NatsConnection,
    private readonly names: EventLogNames = eventLogNames(),
  ) {
    this.jet = jetStreamOf(nc);
  }

  async append(entry: AuditEntry): Promise<{ seq: number }> {
    if (!AUDIT_ACTIONS.includes(entry.action)) throw new Error(`Unknown audit action ${entry.action}`);
    await this.jet.ready();
    const ack = await this.jet.js.publish(this.names.auditSubject(entry.action), encodeJson(entry), {
      msgID: `audit:${entry.id}`,
    });
    return { seq: ack.seq };
  }

  /** Newest first, filtered; at most `limit` (default 100, at most 500). */
  async list(filter: AuditFilter = {}): Promise<StoredAuditEntry[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), AUDIT_LIST_MAX);
    if (filter.action !== undefined && !ACTION_PREFIX.test(filter.action)) return [];
    const stream = this.names.auditStream;
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) return [];
    const out: StoredAuditEntry[] = [];
    let until = Math.min(state.last_seq, (filter.before ?? Number.MAX_SAFE_INTEGER) - 1);
    let scanned = 0;
    while (until >= state.first_seq && out.length < limit && scanned < MAX_SCANNED) {
      const from = Math.max(state.first_seq, until - WINDOW + 1);
      // Unfiltered windows: every sequence in [first, last] exists (no deletes), so a read of one
      // ends at `until`; a subject filter could wait forever for a match that never comes.
      const window = await readRange(this.jet.js, stream, { fromSeq: from, untilSeq: until });
      scanned += until - from + 1;
      const entries = window
        .filter((m) => m.seq <= until && this.hasAction(m.subject, filter.action))
        .map((m) => decodeAudit(m))
        .reverse();
      for (const entry of entries) {
        if (filter.since !== undefined && new Date(entry.at) < filter.since) return out;
        if (matches(entry, filter)) out.push(entry);
        if (out.length >= limit) break;
      }
      until = from - 1;
    }
    return out;
  }

  /** `token.created` matches itself; `token` and `team.member` match the actions under them. */
  private hasAction(subject: string, action: string | undefined): boolean {
    if (action === undefined) return true;
    const exact = this.names.auditSubject(action);
    return subject === exact || subject.startsWith(`${exact}.`);
  }
}

function matches(entry: AuditEntry, filter: AuditFilter): boolean {
  if (filter.actor !== undefined && entry.actor.userId !== filter.actor) return false;
  if (filter.target !== undefined && entry.target.id !== filter.target) return false;
  return true;
}

function decodeAudit(m: JsMsg): StoredAuditEntry {
  const value = decodeJson(m.data) as Partial<AuditEntry> | null;
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.id !== 'string' ||
    typeof value.action !== 'string' ||
    typeof value.at !== 'string'
  ) {
    throw new Error(`Audit stream message ${m.seq} is not an audit entry.`);
  }
  return { ...(value as AuditEntry), action: value.action as AuditAction, seq: m.seq };
}
