import { Logger } from '@nestjs/common';
import { smtpOutOptions, type ChainmailConfig } from '@chainmail/config';
import { createTransport } from 'nodemailer';

/** A short answer to a mail that came in (a refused approval, a checkpoint decided already). */
export interface ReplyMail {
  to: string;
  subject: string;
  text: string;
  /** The Message-ID of the mail answered: the answer goes in its thread. */
  inReplyTo?: string;
  references: string[];
}

export interface ReplyMailer {
  /** Sends the answer; false when it could not be sent (logged, never thrown: the inbound mail is decided already). */
  send(mail: ReplyMail): Promise<boolean>;
  close(): void;
}

/**
 * Answers from ingress through the outbound server notification uses (`CHAINMAIL_SMTP_OUT_URL`…),
 * marked `Auto-Submitted: auto-replied` so that no auto-responder answers them back. Without a
 * server nothing is sent, and the inbound record still says why the mail changed nothing.
 */
export function replyMailer(
  config: Pick<
    ChainmailConfig,
    | 'smtpOutUrl'
    | 'smtpOutHost'
    | 'smtpOutPort'
    | 'smtpOutSecure'
    | 'smtpOutUser'
    | 'smtpOutPass'
    | 'mailFrom'
  >,
): ReplyMailer {
  const logger = new Logger('ingress mail answers');
  const options = smtpOutOptions(config);
  if (options === undefined) {
    return {
      send: async (mail) => {
        logger.warn(`no outbound mail server (CHAINMAIL_SMTP_OUT_URL): no answer sent to ${mail.to}`);
        return false;
      },
      close: () => undefined,
    };
  }
  const transport = createTransport({
    ...options,
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
  return {
    async send(mail) {
      try {
        await transport.sendMail({
          from: config.mailFrom,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          inReplyTo: mail.inReplyTo,
          references: mail.references,
          headers: { 'Auto-Submitted': 'auto-replied' },
        });
        return true;
      } catch (err) {
        logger.warn(`the answer to ${mail.to} was not sent: ${(err as Error).message}`);
        return false;
      }
    },
    close: () => transport.close(),
  };
}
