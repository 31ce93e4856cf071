import { connectNats, ensureStreams, eventLogNames, type EventLogNames } from '@chainmail/event-log';
import type { NatsConnection } from 'nats';
import { testNatsUrl } from './test-env';
import { uniqueName } from './unique-name';

export interface IsolatedEventLog {
  nc: NatsConnection;
  /** A namespace of its own: streams `<ns>_RUN_EVENTS`…, subjects `<ns>.runs.*`… */
  names: EventLogNames;
  /** Deletes this namespace's streams (whole-stream delete works despite deny_delete) and closes. */
  cleanup(): Promise<void>;
}

/**
 * The event log on the shared NATS server under a namespace of its own, so suites run in parallel
 * with each other and with a running Chainmail. Streams are created unless `streams: false`.
 */
export async function isolatedEventLog(
  options: { url?: string; streams?: boolean; duplicateWindowMs?: number } = {},
): Promise<IsolatedEventLog> {
  const names = eventLogNames(uniqueName('t'));
  const nc = await connectNats(options.url ?? testNatsUrl(), `test-${names.namespace}`);
  if (options.streams !== false) {
    await ensureStreams(await nc.jetstreamManager(), {
      replicas: 1,
      names,
      duplicateWindowMs: options.duplicateWindowMs,
    });
  }
  return {
    nc,
    names,
    cleanup: async () => {
      try {
        await removeEventLog(nc, names);
      } finally {
        await nc.close();
      }
    },
  };
}

/** Deletes a namespace's streams, and with them their consumers. */
export async function removeEventLog(nc: NatsConnection, names: EventLogNames): Promise<void> {
  if (names.namespace === '') throw new Error('Refusing to delete the production streams.');
  if (nc.isClosed()) return;
  const jsm = await nc.jetstreamManager();
  for (const stream of [
    names.runEventsStream,
    names.definitionEventsStream,
    names.commandsStream,
    names.auditStream,
  ]) {
    await jsm.streams.delete(stream).catch(() => false);
  }
}
