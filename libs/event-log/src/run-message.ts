import { runSubject, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import type { ConsumedMessage } from './consumed-message';
import { decodeRunCommit } from './run-log';

export type DecodedMessage =
  { ok: true; commit: StoredRunCommit } | { ok: false; seq: number; reason: string };

/**
 * A message of RUN_EVENTS as the commit it carries, its stream sequence as `seq`. The log is
 * written only by the execution service, so a malformed message is a bug: it is reported and
 * skipped rather than retried for ever, which would stall every consumer behind it (the projector's
 * views, scheduling's timers, notification's mails): all three decode through here.
 */
export function decodeRunMessage(message: ConsumedMessage): DecodedMessage {
  let commit: StoredRunCommit;
  try {
    commit = decodeRunCommit(message.data, message.seq, message.subject);
  } catch (err) {
    return { ok: false, seq: message.seq, reason: (err as Error).message };
  }
  if (message.subject !== runSubject(commit.runId)) {
    return {
      ok: false,
      seq: message.seq,
      reason: `commit of run ${commit.runId} found on ${message.subject}`,
    };
  }
  const bad = commit.events.findIndex((event) => !isEventShaped(event));
  if (bad >= 0) return { ok: false, seq: message.seq, reason: `event ${bad} is not a run event` };
  const traceId = traceIdOf(message.headers);
  return { ok: true, commit: traceId === undefined ? commit : { ...commit, traceId } };
}

/** `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`; an all-zero id is no trace. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of the message's `traceparent` header (any case), if it carries a valid one. */
export function traceIdOf(headers: Readonly<Record<string, string>>): string | undefined {
  const name = Object.keys(headers).find((key) => key.toLowerCase() === 'traceparent');
  const traceId = name === undefined ? undefined : TRACEPARENT.exec(headers[name].trim())?.[1];
  return traceId === undefined || /^0+$/.test(traceId) ? undefined : traceId;
}

/** The envelope every event has; each type's data is as the engine wrote it. */
function isEventShaped(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.type === 'string' &&
    typeof e.runId === 'string' &&
    typeof e.at === 'string' &&
    !Number.isNaN(Date.parse(e.at)) &&
    typeof e.data === 'object' &&
    e.data !== null
  );
}
