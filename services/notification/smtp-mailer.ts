import { smtpOutOptions, type ChainmailConfig } from '@chainmail/config';
import { createTransport } from 'nodemailer';
import type { SMTPPoolOptions } from 'nodemailer/lib/smtp-pool';
import type { OutboundMail } from './outbound-mail';
import { SendFailure } from './send-failure';

/** Hands a mail to an SMTP server; throws `SendFailure` when it is not taken. */
export interface MailSender {
  send(mail: OutboundMail): Promise<void>;
  close(): void;
}

type SmtpSettings = Pick<
  ChainmailConfig,
  'smtpOutUrl' | 'smtpOutHost' | 'smtpOutPort' | 'smtpOutSecure' | 'smtpOutUser' | 'smtpOutPass'
>;

/** Timeouts short enough that a dead server fails an attempt well within the consumer's ack wait. */
const CONNECTION_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** Pooled SMTP options from the configuration, or undefined when no server is configured. */
export function smtpOptions(config: SmtpSettings): SMTPPoolOptions | undefined {
  const server = smtpOutOptions(config);
  return server && { pool: true, maxConnections: 5, maxRequeues: 0, ...CONNECTION_TIMEOUTS, ...server };
}

export function createMailSender(config: SmtpSettings): MailSender {
  const options = smtpOptions(config);
  return options ? new SmtpMailer(options) : new UnconfiguredMailer();
}

/** nodemailer's pooled SMTP transport: a few connections reused across mails. */
export class SmtpMailer implements MailSender {
  private readonly transport;

  constructor(options: SMTPPoolOptions) {
    this.transport = createTransport({ ...options, pool: true });
  }

  async send(mail: OutboundMail): Promise<void> {
    try {
      await this.transport.sendMail({
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        replyTo: mail.replyTo,
        headers: mail.headers,
      });
    } catch (err) {
      throw smtpFailure(err);
    }
  }

  close(): void {
    this.transport.close();
  }
}

/** Every mail fails for good, saying what to configure: nothing is silently dropped. */
export class UnconfiguredMailer implements MailSender {
  async send(): Promise<void> {
    throw new SendFailure(
      'no outbound mail server is configured: set CHAINMAIL_SMTP_OUT_URL (e.g. smtp://user:pass@smtp.example.com:587)',
      true,
    );
  }

  close(): void {}
}

/** Codes that say the configuration or the addresses are wrong: another attempt would fail the same way. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'ECONFIG', 'EENVELOPE', 'EMESSAGE']);

/**
 * An SMTP error as a `SendFailure`. A reply code decides when there is one (5xx permanent except
 * 503, 4xx transient); without one, connection trouble (refused, reset, timeout) is transient.
 */
export function smtpFailure(err: unknown): SendFailure {
  const e = (err ?? {}) as { message?: string; code?: string; responseCode?: number; response?: string };
  const reply = e.response ? ` (${e.response})` : '';
  const message = `${e.message ?? String(err)}${reply && !e.message?.includes(e.response ?? '') ? reply : ''}`;
  if (typeof e.responseCode === 'number') {
    const permanent = e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503;
    return new SendFailure(message, permanent);
  }
  return new SendFailure(message, e.code !== undefined && PERMANENT_CODES.has(e.code));
}
