/** Injection tokens for what one process shares between the service modules it hosts. */
export const CHAINMAIL_CONFIG = Symbol('CHAINMAIL_CONFIG');
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const DATA_SOURCE = Symbol('DATA_SOURCE');
export const DEFINITION_CATALOG = Symbol('DEFINITION_CATALOG');
export const AGENT_DIRECTORY = Symbol('AGENT_DIRECTORY');
/** The live fold of the agent directory's events (`AgentCatalog`); the directory resolves from it. */
export const AGENT_CATALOG = Symbol('AGENT_CATALOG');
export const EVENT_LOG_NAMES = Symbol('EVENT_LOG_NAMES');
export const TELEMETRY = Symbol('TELEMETRY');
/** The process's worker threads for parsing untrusted input (`WorkerPool`). */
export const WORKER_POOL = Symbol('WORKER_POOL');
/** The process's Prometheus metrics (`ChainmailMetrics`): one registry, served as `/metrics`. */
export const METRICS = Symbol('METRICS');
/** `/metrics` on `CHAINMAIL_METRICS_PORT` for a process without HTTP of its own, else null. */
export const METRICS_SERVER = Symbol('METRICS_SERVER');
/** Run commands decided in this process when execution runs in it (`LocalCommands`). */
export const LOCAL_COMMANDS = Symbol('LOCAL_COMMANDS');
