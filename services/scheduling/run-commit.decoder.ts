import { runSubject, type StoredRunCommit } from '@chainmail/contracts';
import { decodeRunCommit, type ConsumedMessage } from '@chainmail/event-log';

export type DecodedCommit = { ok: true; commit: StoredRunCommit } | { ok: false; reason: string };

/**
 * A message of RUN_EVENTS as its commit, with the stream sequence as `seq`. Only execution writes
 * the log, so a malformed message is a bug: reported and skipped, not retried for ever (which
 * would hold back every timer behind it).
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
  const bad = commit.events.findIndex(
    (e: unknown) =>
      typeof e !== 'object' ||
      e === null ||
      typeof (e as { type?: unknown }).type !== 'string' ||
      typeof (e as { at?: unknown }).at !== 'string' ||
      typeof (e as { data?: unknown }).data !== 'object' ||
      (e as { data?: unknown }).data === null,
  );
  if (bad >= 0) return { ok: false, reason: `event ${bad} is not a run event` };
  return { ok: true, commit };
}
