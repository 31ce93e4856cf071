/** An SMTP stage's answer: accept, or refuse with a code (shared by the mail use case and agent replies). */
export type SmtpReply = { accept: true; message?: string } | { accept: false; code: number; message: string };

export interface MailEnvelope {
  /** `MAIL FROM`; '' for the null sender of a bounce. */
  sender: string;
  recipients: string[];
}
