import {
  AUDIT_STREAM,
  AUDIT_SUBJECTS,
  auditSubject,
  COMMAND_SUBJECTS,
  COMMANDS_STREAM,
  AGENT_SUBJECTS,
  DEFINITION_EVENTS_STREAM,
  DEFINITION_SUBJECTS,
  LISTING_SUBJECTS,
  listingSubject,
  RUN_EVENTS_STREAM,
  RUN_END_SUBJECTS,
  RUN_SUBJECTS,
  agentSubject,
  agentSubjectToken,
  definitionSubject,
  runEndSubject,
  runSubject,
} from '@chainmail/contracts';

/**
 * Where the event log lives on a NATS server: stream names and subjects. Production uses the
 * contract names unchanged; a namespace (`t123`) prefixes streams (`t123_RUN_EVENTS`) and subjects
 * (`t123.runs.*`) so tests and a running Chainmail can share one server without colliding.
 */
export interface EventLogNames {
  /** '' for production. */
  readonly namespace: string;
  readonly runEventsStream: string;
  readonly definitionEventsStream: string;
  readonly commandsStream: string;
  readonly runSubjects: string;
  /** Core NATS announcements of stored commits that end a run: `run-ends.*`. */
  readonly runEndSubjects: string;
  runEndSubject(runId: string): string;
  readonly definitionSubjects: string;
  /** The agent directory's subjects, on the definition stream. */
  readonly agentSubjects: string;
  /** Marketplace listings' subjects, on the definition stream. */
  readonly listingSubjects: string;
  listingSubject(id: string): string;
  readonly commandSubjects: string;
  /** Who did what: `audit.<action>`. */
  readonly auditStream: string;
  readonly auditSubjects: string;
  auditSubject(action: string): string;
  runSubject(runId: string): string;
  definitionSubject(name: string): string;
  /** `agents.<token>` of a normalized agent address (`.` and the like encoded, see `agentSubjectToken`). */
  agentSubject(address: string): string;
  /** A contract stream name (`RUN_EVENTS`) in this namespace. */
  stream(contractStream: string): string;
  /** A contract subject or filter (`commands.runs.>`) in this namespace. */
  subject(contractSubject: string): string;
  /** The contract subject of a received message: the inverse of `subject`. */
  contractSubject(subject: string): string;
}

const NAMESPACE = /^[A-Za-z0-9_-]+$/;
/** A subject token: no separators, wildcards or whitespace. */
const TOKEN = /^[^.*>\s]+$/;

export function eventLogNames(namespace = ''): EventLogNames {
  if (namespace !== '' && !NAMESPACE.test(namespace)) {
    throw new Error(
      `Invalid event log namespace ${JSON.stringify(namespace)}: use letters, digits, '_' and '-'.`,
    );
  }
  const streamPrefix = namespace === '' ? '' : `${namespace}_`;
  const subjectPrefix = namespace === '' ? '' : `${namespace}.`;
  const stream = (name: string): string => streamPrefix + name;
  const subject = (s: string): string => subjectPrefix + s;
  return {
    namespace,
    runEventsStream: stream(RUN_EVENTS_STREAM),
    definitionEventsStream: stream(DEFINITION_EVENTS_STREAM),
    commandsStream: stream(COMMANDS_STREAM),
    runSubjects: subject(RUN_SUBJECTS),
    runEndSubjects: subject(RUN_END_SUBJECTS),
    runEndSubject: (runId) => subject(runEndSubject(checkToken('run id', runId))),
    definitionSubjects: subject(DEFINITION_SUBJECTS),
    agentSubjects: subject(AGENT_SUBJECTS),
    listingSubjects: subject(LISTING_SUBJECTS),
    listingSubject: (id) => subject(listingSubject(checkToken('listing id', id))),
    commandSubjects: subject(COMMAND_SUBJECTS),
    auditStream: stream(AUDIT_STREAM),
    auditSubjects: subject(AUDIT_SUBJECTS),
    auditSubject: (action) => subject(auditSubject(action)),
    runSubject: (runId) => subject(runSubject(checkToken('run id', runId))),
    definitionSubject: (name) => subject(definitionSubject(checkToken('workflow name', name))),
    agentSubject: (address) => subject(agentSubject(checkToken('agent address', agentSubjectToken(address)))),
    stream,
    subject,
    contractSubject: (s) =>
      subjectPrefix !== '' && s.startsWith(subjectPrefix) ? s.slice(subjectPrefix.length) : s,
  };
}

function checkToken(what: string, value: string): string {
  if (!TOKEN.test(value))
    throw new Error(`Invalid ${what} ${JSON.stringify(value)}: it must be one subject token.`);
  return value;
}
