import { smtpOutOptions, type ChainmailConfig } from '@chainmail/config';
import { createTransport } from 'nodemailer';

/** One agent mail as handed to the SMTP server. */
export interface AgentMailMessage {
  from: string;
  to: string;
  replyTo: string;
  subject: string;
  text: string;
  messageId: string;
  headers: Record<string, string>;
}

/** A mail that was not taken; `permanent`: sending it again would fail the same way. */
export class AgentMailNotSent extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'AgentMailNotSent';
  }
}

export interface AgentMailTransport {
  send(mail: AgentMailMessage): Promise<void>;
  close(): void;
}

type SmtpSettings = Pick<
  ChainmailConfig,
  'smtpOutUrl' | 'smtpOutHost' | 'smtpOutPort' | 'smtpOutSecure' | 'smtpOutUser' | 'smtpOutPass'
>;

/** Short enough that a dead server fails the attempt well within the consumer's ack wait. */
const TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/**
 * nodemailer over the configured outbound server (`CHAINMAIL_SMTP_OUT_URL`, or HOST/PORT/…), the
 * same settings notification uses; with none, every send fails permanently saying what to set.
 */
export function agentMailTransport(config: SmtpSettings): AgentMailTransport {
  const options = smtpOutOptions(config);
  if (options === undefined) {
    return {
      send: () =>
        Promise.reject(
          new AgentMailNotSent(
            'no outbound mail server is configured for email agents: set CHAINMAIL_SMTP_OUT_URL (e.g. smtp://user:pass@smtp.example.com:587)',
            true,
          ),
        ),
      close: () => undefined,
    };
  }
  const transport = createTransport({ ...options, ...TIMEOUTS, pool: true, maxConnections: 3 });
  return {
    async send(mail) {
      try {
        await transport.sendMail(mail);
      } catch (err) {
        throw notSent(err);
      }
    },
    close: () => transport.close(),
  };
}

/** A 5xx reply (other than 503) or a configuration/address error is permanent; the rest may pass later. */
function notSent(err: unknown): AgentMailNotSent {
  const e = (err ?? {}) as { message?: string; code?: string; responseCode?: number };
  const message = e.message ?? String(err);
  if (typeof e.responseCode === 'number') {
    return new AgentMailNotSent(message, e.responseCode >= 500 && e.responseCode !== 503);
  }
  return new AgentMailNotSent(
    message,
    ['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE'].includes(e.code ?? ''),
  );
}
