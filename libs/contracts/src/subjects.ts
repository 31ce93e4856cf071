/** Stream and subject names: the one place the wire layout of Chainmail is written down. */

export const RUN_EVENTS_STREAM = 'RUN_EVENTS';
/** One subject per run: `runs.<runId>`. Each message is a commit of one or more run events. */
export const runSubject = (runId: string): string => `runs.${runId}`;
export const RUN_SUBJECTS = 'runs.*';
/**
 * Core NATS: a commit that ends a run, announced by its writer once the log has stored it
 * (`run-ends.<runId>`, the commit as appended). Not a stream subject: a core subscriber of `runs.*`
 * would also hear an append the stream refused (a writer that lost the race for the run).
 */
export const runEndSubject = (runId: string): string => `run-ends.${runId}`;
export const RUN_END_SUBJECTS = 'run-ends.*';

export const DEFINITION_EVENTS_STREAM = 'DEFINITION_EVENTS';
/** One subject per workflow name: `definitions.<name>`. */
export const definitionSubject = (name: string): string => `definitions.${name}`;
export const DEFINITION_SUBJECTS = 'definitions.*';
/** The agent directory, on the same stream: one subject per address (`agents.<address token>`). */
export const agentSubject = (addressToken: string): string => `agents.${addressToken}`;
export const AGENT_SUBJECTS = 'agents.*';
/** Marketplace listings, on the same stream: one subject per listing (`listings.<id>`). */
export const listingSubject = (id: string): string => `listings.${id}`;
export const LISTING_SUBJECTS = 'listings.*';

export const COMMANDS_STREAM = 'COMMANDS';
export const COMMAND_SUBJECTS = 'commands.>';
/** Every run command: consumed by execution. */
export const RUN_COMMAND_SUBJECTS = 'commands.runs.>';
export const START_RUN_SUBJECT = 'commands.runs.start';
export const CANCEL_RUN_SUBJECT = 'commands.runs.cancel';
export const FIRE_TIMER_SUBJECT = 'commands.runs.timer';
export const RESOLVE_CHECKPOINT_SUBJECT = 'commands.runs.checkpoint';
/** Debugging a run: `StepRun`, `ResumeRun`, `PauseRun`, `RewindRun`. */
export const DEBUG_RUN_SUBJECT = 'commands.runs.debug';

/** Who did what: `audit.<action>` (`audit.token.created`), deny delete and purge. */
export const AUDIT_STREAM = 'AUDIT';
export const auditSubject = (action: string): string => `audit.${action}`;
export const AUDIT_SUBJECTS = 'audit.>';
/** Core NATS: an identity changed (token revoked, role changed); every ingress drops its cached callers. */
export const IDENTITY_CHANGED_SUBJECT = 'identity.changed';
/** Core NATS: a variable was written or deleted; execution reads owners' variables again at the next start. */
export const VARIABLES_CHANGED_SUBJECT = 'variables.changed';

/** Request/reply (core NATS) subjects answered by the registry. */
export const REGISTRY_PUBLISH_SUBJECT = 'registry.workflows.publish';
export const REGISTRY_VALIDATE_SUBJECT = 'registry.workflows.validate';
export const REGISTRY_ROLLBACK_SUBJECT = 'registry.workflows.rollback';
export const REGISTRY_SCHEDULE_PAUSE_SUBJECT = 'registry.schedules.pause';
export const REGISTRY_AGENT_PUT_SUBJECT = 'registry.agents.put';
export const REGISTRY_AGENT_DELETE_SUBJECT = 'registry.agents.delete';
export const REGISTRY_LISTING_PUBLISH_SUBJECT = 'registry.listings.publish';
export const REGISTRY_LISTING_UNPUBLISH_SUBJECT = 'registry.listings.unpublish';
export const REGISTRY_LISTING_STAR_SUBJECT = 'registry.listings.star';
/** Queue group shared by registry replicas, so each request is answered once. */
export const REGISTRY_QUEUE = 'registry';

/** Request/reply subject answered by the projector: drop the read models and replay the log. */
export const PROJECTOR_REBUILD_SUBJECT = 'projector.rebuild';

/** Durable consumer names: one per role, shared by every replica of that role. */
export const CONSUMERS = {
  executionCommands: 'execution-commands',
  executionEvents: 'execution-events',
  projector: 'projector',
  notification: 'notification',
  scheduling: 'scheduling',
} as const;

/** Header names carried on every Chainmail message. */
export const HEADERS = {
  msgId: 'Nats-Msg-Id',
  expectedLastSubjectSequence: 'Nats-Expected-Last-Subject-Sequence',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
} as const;

/** Replies to email agents' mails (`CompleteAgentMail`), sent by ingress; on the COMMANDS stream. */
export const AGENT_REPLY_SUBJECT = 'commands.runs.agent-reply';
/** JetStream KV bucket of agent concurrency leases (`slot.<address token>.<n>`), shared by execution replicas. */
export const AGENT_SLOTS_BUCKET = 'AGENT_SLOTS';
