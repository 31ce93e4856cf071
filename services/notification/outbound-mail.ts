/** A notification mail, ready for the SMTP transport. */
export interface OutboundMail {
  from: string;
  to: string[];
  subject: string;
  /** Markdown as plain text: what mail clients without HTML show, and what the footer is written in. */
  text: string;
  html: string;
  messageId: string;
  inReplyTo?: string;
  references: string[];
  replyTo?: string;
  headers: Record<string, string>;
}

/** Where notifications come from and how they are named. */
export interface MailIdentity {
  from: string;
  /** Domain of the Message-IDs: `<runId.kind@domain>`. */
  domain: string;
  /** The API as users reach it, for links and retry instructions. */
  publicUrl: string;
}

export const notificationMessageId = (runId: string, kind: string, domain: string): string =>
  `<${runId}.${kind}@${domain}>`;
