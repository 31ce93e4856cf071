import { randomUUID } from 'node:crypto';
import type { RunCommit } from '@chainmail/contracts';
import type { NatsConnection } from 'nats';
import { consoleLogger, describeError } from './logger';

/** Who announced a run's end on `run-ends.<runId>`: a connection's own id (see `runEndOrigin`). */
export const ORIGIN_HEADER = 'Chainmail-Origin';

/** Told of a commit that ended a run, appended over the same connection in this process. */
export type LocalRunEndListener = (subject: string, commit: RunCommit) => void;

const origins = new WeakMap<NatsConnection, string>();
const listeners = new WeakMap<NatsConnection, Set<LocalRunEndListener>>();

/**
 * The id a connection's run-end announcements carry. A listener on the same connection hears
 * those ends in-process, at once (`onLocalRunEnds`), and skips their copy from the server, which
 * is for the other processes: in the all-in-one process, a request waiting for its run's end is
 * answered as soon as the log has acknowledged it, without the round trip through the server.
 */
export function runEndOrigin(nc: NatsConnection): string {
  let origin = origins.get(nc);
  if (origin === undefined) {
    origin = randomUUID();
    origins.set(nc, origin);
  }
  return origin;
}

/** Listens for the run ends appended over `nc` in this process; the function it returns stops it. */
export function onLocalRunEnds(nc: NatsConnection, listener: LocalRunEndListener): () => void {
  const set = listeners.get(nc) ?? new Set<LocalRunEndListener>();
  listeners.set(nc, set);
  set.add(listener);
  return () => set.delete(listener);
}

/**
 * Tells this process's listeners on `nc` of a stored commit that ended its run (`subject`: its
 * run-end subject). A listener's failure is its own: the append it follows stands.
 */
export function announceLocally(nc: NatsConnection, subject: string, commit: RunCommit): void {
  for (const listener of listeners.get(nc) ?? []) {
    try {
      listener(subject, commit);
    } catch (err) {
      consoleLogger.error(`a listener of run ${commit.runId}'s end failed: ${describeError(err)}`);
    }
  }
}
