import { runSubject, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { decodeRunCommit, type ConsumedMessage } from '@chainmail/event-log';

export type DecodedCommit = { ok: true; commit: StoredRunCommit } | { ok: false; reason: string };

/**
 * A RUN_EVENTS message as its commit. The log is written only by execution, so a malformed
 * message is a bug: reported and skipped, never retried for ever.
 */
export function decodeRunMessage(message: ConsumedMessage): DecodedCommit {
  let commit: StoredRunCommit;
  try {
    commit = decodeRunCommit(message.data, message.seq);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (message.subject !== runSubject(commit.runId)) {
    return { ok: false, reason: `commit of run ${commit.runId} found on ${message.subject}` };
  }
  if (!commit.events.every(isEventShaped)) return { ok: false, reason: 'an event is not a run event' };
  return { ok: true, commit };
}

function isEventShaped(value: unknown): value is RunEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e.type === 'string' && typeof e.at === 'string' && typeof e.data === 'object' && e.data !== null
  );
}
