import {
  DiscardPolicy,
  RetentionPolicy,
  StorageType,
  nanos,
  type JetStreamManager,
  type StreamConfig,
} from 'nats';
import { JS_ERR, jsErrorCode } from './append-conflict';
import { eventLogNames, type EventLogNames } from './names';

export interface StreamOptions {
  replicas: number;
  /** Window within which a repeated `Nats-Msg-Id` is stored once. Default: 2 minutes. */
  duplicateWindowMs?: number;
  names?: EventLogNames;
}

const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** The streams of Chainmail as configured on the server. */
export function streamConfigs(options: StreamOptions): Partial<StreamConfig>[] {
  const names = options.names ?? eventLogNames();
  const common: Partial<StreamConfig> = {
    storage: StorageType.File,
    num_replicas: options.replicas,
    duplicate_window: nanos(options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS),
    discard: DiscardPolicy.Old,
  };
  // Events are the truth: nothing deletes or purges a message; readers may use direct gets.
  const eventLog: Partial<StreamConfig> = {
    ...common,
    retention: RetentionPolicy.Limits,
    deny_delete: true,
    deny_purge: true,
    allow_direct: true,
  };
  return [
    { ...eventLog, name: names.runEventsStream, subjects: [names.runSubjects] },
    // Registry-owned events: workflow definitions, the agent directory, marketplace listings.
    {
      ...eventLog,
      name: names.definitionEventsStream,
      subjects: [names.definitionSubjects, names.agentSubjects, names.listingSubjects],
    },
    // Who did what (tokens, roles, rollbacks, secrets): kept like the event logs, never deleted.
    { ...eventLog, name: names.auditStream, subjects: [names.auditSubjects] },
    // Each command is taken once by the one durable consumer whose filter covers its subject.
    {
      ...common,
      name: names.commandsStream,
      subjects: [names.commandSubjects],
      retention: RetentionPolicy.Workqueue,
    },
  ];
}

/**
 * Creates the streams, or brings existing ones to this configuration. Safe to call from every
 * process at start, concurrently: an identical create succeeds, a differing one becomes an update.
 * An update only adds subjects: an install that predates `agents.*` gains it at the first start
 * of this version, and no process of this version ever takes a subject away.
 */
export async function ensureStreams(jsm: JetStreamManager, options: StreamOptions): Promise<void> {
  await Promise.all(streamConfigs(options).map((config) => ensureStream(jsm, config)));
}

async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig>): Promise<void> {
  const name = config.name ?? '';
  try {
    await jsm.streams.add(config);
  } catch (err) {
    if (jsErrorCode(err) !== JS_ERR.streamNameInUse) throw err;
    const current = (await jsm.streams.info(name)).config.subjects ?? [];
    const subjects = [...new Set([...(config.subjects ?? []), ...current])];
    await jsm.streams.update(name, { ...config, subjects });
  }
}
