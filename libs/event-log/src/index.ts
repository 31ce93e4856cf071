export { connectNats } from './connection';
export { eventLogNames, type EventLogNames } from './names';
export { ensureStreams, streamConfigs, type StreamOptions } from './streams';
export { AppendConflict, JS_ERR, jsErrorCode } from './append-conflict';
export { RunLog, decodeRunCommit } from './run-log';
export { ORIGIN_HEADER, publishWithEcho, subscribeWithEcho } from './local-echo';
export { EVENTS_HEADER, eventTypesOf, mayHoldEvents } from './commit-events';
export { decodeRunMessage, type DecodedMessage } from './run-message';
export { DefinitionLog, type StoredDefinitionEvent } from './definition-log';
export { CommandBus } from './command-bus';
export { AuditLog, AUDIT_LIST_MAX, type AuditFilter, type StoredAuditEntry } from './audit-log';
export type { ConsumedMessage } from './consumed-message';
export {
  defaultNakDelayMs,
  RedeliverLater,
  type ConsumerRunner,
  type DurableConsumerOptions,
} from './consumer-config';
export { startConsumer, type ConsumerOptions } from './consumer-runner';
export { startBatchConsumer, type BatchConsumerOptions } from './batch-consumer-runner';
export { consoleLogger, silentLogger, type EventLogLogger } from './logger';
