import { type Agent, AgentError, type AgentResult } from '../agent';
import { ConfigFields, type FieldIssue } from './config-fields';

/**
 * A real mailbox as an agent (`research@mail-to-ai.com`): the step's input goes out as a mail and
 * the reply, matched by `In-Reply-To`/`References`, becomes the output. This is not a call that
 * answers: the execution service sends the mail and the step waits, durably, for the reply that
 * ingress receives (see the README's "Email agents").
 */
export interface EmailAgentConfig {
  /** The agent's mailbox; its reply must come from this address. */
  to: string;
  /** The mail's subject; default: `<workflow>: <step>`. */
  subject?: string;
  /** The mail's From; default: CHAINMAIL_MAIL_FROM. */
  from?: string;
}

const KEYS = ['to', 'subject', 'from'];
/** A plain mailbox (`name@domain.tld`): no display name, no comments, one address. */
const MAILBOX =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
/** `Research Desk <research@example.com>` or a plain mailbox. */
const FROM = /^(?:[^<>\r\n"]{1,100}<([^<>\s]+)>|([^<>\s]+))$/;

export function validateEmailConfig(config: Record<string, unknown>): {
  config: EmailAgentConfig;
  issues: FieldIssue[];
} {
  const fields = new ConfigFields(config, KEYS);
  const to = fields.string('to', { required: true, maxLength: 254 });
  if (to !== undefined && !MAILBOX.test(to.trim())) {
    fields.add('to', `must be one mailbox such as research@mail-to-ai.com, got ${JSON.stringify(to)}`);
    delete fields.out.to;
  } else if (to !== undefined) {
    fields.out.to = to.trim().toLowerCase();
  }
  const subject = fields.string('subject', { maxLength: 300 });
  if (subject !== undefined && /[\r\n]/.test(subject)) {
    fields.add('subject', 'must be one line');
    delete fields.out.subject;
  }
  const from = fields.string('from', { maxLength: 300 });
  if (from !== undefined) {
    const match = FROM.exec(from.trim());
    const mailbox = match?.[1] ?? match?.[2];
    if (mailbox === undefined || !MAILBOX.test(mailbox)) {
      fields.add(
        'from',
        `must be a mailbox, optionally with a name ("Research Desk <desk@example.com>"), got ${JSON.stringify(from)}`,
      );
      delete fields.out.from;
    } else {
      fields.out.from = from.trim();
    }
  }
  return { config: fields.out as unknown as EmailAgentConfig, issues: fields.issues };
}

export function describeEmail(config: EmailAgentConfig): string {
  return `Mailbox ${config.to}: the input is mailed there and the reply is the output`;
}

/** The directory's agent for an email entry. Its mail is sent by execution, never through `invoke`. */
export function emailAgent(address: string, description: string, config: EmailAgentConfig): Agent {
  return {
    address,
    kind: 'email',
    description,
    config: { ...config },
    invoke(): Promise<AgentResult> {
      return Promise.reject(
        new AgentError(
          'AGENT_FAILED',
          `${address} is an email agent: its input is mailed to ${config.to} and its reply is the output, which only the execution service can wait for`,
          false,
        ),
      );
    },
  };
}
