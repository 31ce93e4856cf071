import {
  BoundedMap,
  TERMINAL_RUN_EVENTS,
  type RunCommit,
  type RunEvent,
  type StoredRunCommit,
} from '@chainmail/contracts';
import type { JsMsg, NatsConnection, StoredMsg } from 'nats';
import { toAppendError } from './append-conflict';
import { decodeText, encodeJson, toMsgHdrs } from './codec';
import { EVENTS_HEADER, eventTypesOf } from './commit-events';
import { jetStreamOf, type JetStreamHandles } from './jetstream';
import { eventLogNames, type EventLogNames } from './names';
import { followRange, readRange } from './ordered-reader';
import { publishWithEcho } from './local-echo';
import { bySequence, lastBySubject } from './stream-messages';

/**
 * Past this many commits a read switches from message gets (one round trip each, nothing created)
 * to an ordered consumer (a fixed four round trips, then streamed).
 */
const WALK_LIMIT = 8;

/**
 * The log of runs: one subject per run (`runs.<runId>`), one message per commit. Appends carry
 * the expected last sequence of the run's subject, so the log itself enforces one writer per run.
 */
export class RunLog {
  private readonly jet: JetStreamHandles;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames = eventLogNames(),
  ) {
    this.jet = jetStreamOf(nc);
  }

  /**
   * Appends a commit after `commit.prev` (0: the run's first commit, refused if the run exists).
   * Throws `AppendConflict` when another writer appended first. A retry with the same `msgId`
   * within the duplicate window returns the stored commit's sequence with `duplicate: true`.
   * The commit's event types ride along in the `Chainmail-Events` header, for consumers that skip.
   * A stored commit that ends the run is then announced on `run-ends.<runId>` (core NATS), and to
   * listeners in this process at once (`subscribeWithEcho`), for requests that wait for the end: only
   * what the log stored is announced.
   */
  async append(
    commit: RunCommit,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<{ seq: number; duplicate: boolean }> {
    const subject = this.names.runSubject(commit.runId);
    await this.jet.ready();
    const data = encodeJson(commit);
    const types = eventTypesOf(commit.events);
    let ack: { seq: number; duplicate: boolean };
    try {
      ack = await this.jet.js.publish(subject, data, {
        msgID: msgId,
        expect: { lastSubjectSequence: commit.prev },
        headers: toMsgHdrs({ ...headers, [EVENTS_HEADER]: types }),
      });
    } catch (err) {
      throw toAppendError(err, subject, commit.prev, commit.runId);
    }
    if (commit.events.some((e) => TERMINAL_RUN_EVENTS.has(e.type))) {
      const ends = this.names.runEndSubject(commit.runId);
      publishWithEcho(this.nc, ends, data, commit, toMsgHdrs({ [EVENTS_HEADER]: types }));
    }
    return { seq: ack.seq, duplicate: ack.duplicate };
  }

  /**
   * Every commit of the run, in order; `[]` for an unknown run. Walks back from the tail along
   * `prev` (exact-sequence gets: no subject scan however long the stream); a long run's older part
   * comes through one ordered consumer instead.
   */
  async read(runId: string): Promise<StoredRunCommit[]> {
    const subject = this.names.runSubject(runId);
    const stream = this.names.runEventsStream;
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const last = await lastBySubject(jsm, stream, subject);
    if (!last) return [];
    const newestFirst = [this.decode(last)];
    let oldest = newestFirst[0];
    while (oldest.prev > 0 && newestFirst.length < WALK_LIMIT) {
      const previous = await bySequence(jsm, stream, oldest.prev);
      if (!previous || previous.subject !== subject) {
        throw new Error(
          `Run ${runId}: commit ${oldest.seq} follows ${oldest.prev}, which is not a commit of this run.`,
        );
      }
      oldest = this.decode(previous);
      newestFirst.push(oldest);
    }
    const commits = newestFirst.reverse();
    if (oldest.prev === 0) return commits;
    const older = await readRange(this.jet.js, stream, {
      filterSubject: subject,
      fromSeq: 1,
      untilSeq: oldest.prev,
    });
    return [...older.map((m) => this.decode(m)), ...commits];
  }

  /** The stream sequence of the run's last commit; 0 when the run has none. */
  async lastSequence(runId: string): Promise<number> {
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const last = await lastBySubject(jsm, this.names.runEventsStream, this.names.runSubject(runId));
    return last ? last.seq : 0;
  }

  /** The run's commits from `fromSeq` (inclusive; default: all), then live ones until `signal` aborts. */
  async *follow(
    runId: string,
    options: { fromSeq?: number; signal?: AbortSignal } = {},
  ): AsyncGenerator<StoredRunCommit> {
    await this.jet.ready();
    const messages = followRange(this.jet.js, this.names.runEventsStream, {
      filterSubject: this.names.runSubject(runId),
      fromSeq: options.fromSeq ?? 1,
      signal: options.signal,
    });
    for await (const m of messages) yield this.decode(m);
  }

  decode(msg: JsMsg | StoredMsg): StoredRunCommit {
    return decodeRunCommit(msg.data, msg.seq, msg.subject);
  }
}

/**
 * Commits parsed lately in this process, by their place in the stream (subject and sequence).
 * Every commit reaches several readers in one process (execution, the projector, scheduling,
 * notification, when they run together): the first parses it, the others share its events, which
 * readers only read. A place is looked up in a number and a short string, not the commit's text.
 */
const RECENTLY_PARSED = 256;
const recentlyParsed = new BoundedMap<string, { bytes: number; commit: RunCommit }>(RECENTLY_PARSED);
/** A larger commit (a long output) is parsed by each reader rather than kept. */
const SHARED_PARSE_MAX_BYTES = 16 * 1024;

/**
 * Parses a stored commit, checking the shape a reader relies on (the log is written only by
 * `append`). The commit is the caller's own. With the stream `subject` it was stored under, its
 * events may be shared with other readers of the same commit in this process and must not be
 * changed.
 */
export function decodeRunCommit(data: Uint8Array, seq: number, subject?: string): StoredRunCommit {
  const place = subject !== undefined && seq > 0 && data.byteLength <= SHARED_PARSE_MAX_BYTES;
  const key = place ? `${seq} ${subject}` : '';
  const shared = place ? recentlyParsed.get(key) : undefined;
  let value: RunCommit;
  if (shared !== undefined && shared.bytes === data.byteLength) value = shared.commit;
  else {
    value = parseRunCommit(decodeText(data), seq);
    if (place) share(key, data.byteLength, value);
  }
  return { runId: value.runId, prev: value.prev, events: value.events, seq };
}

function parseRunCommit(text: string, seq: number): RunCommit {
  const value: unknown = JSON.parse(text);
  if (!isRunCommit(value)) throw new Error(`Stream message ${seq} is not a run commit.`);
  return value;
}

function share(key: string, bytes: number, commit: RunCommit): void {
  freezeEvents(commit.events);
  recentlyParsed.set(key, { bytes, commit });
}

/** Shared events are read-only: a reader that changed one would change it for the others. */
function freezeEvents(events: RunEvent[]): void {
  for (const event of events) {
    Object.freeze(event.data);
    Object.freeze(event);
  }
  Object.freeze(events);
}

function isRunCommit(value: unknown): value is RunCommit {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Record<keyof RunCommit, unknown>>;
  return typeof v.runId === 'string' && typeof v.prev === 'number' && Array.isArray(v.events);
}
