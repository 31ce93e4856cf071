import { isRecord, num, str } from './api-types';

/** A mail the local catcher took, as `GET /v1/mailbox` lists it. */
export interface CaughtMail {
  id: number;
  from: string;
  to: string;
  subject: string;
  date?: string;
  receivedAt?: string;
  messageId?: string;
  inReplyTo?: string;
}

export interface Mailbox {
  /** The server runs the local mail catcher. */
  catcher: boolean;
  mails: CaughtMail[];
}

/** `GET /v1/mailbox/:id`: the mail with its text body. */
export interface CaughtMailDetail extends CaughtMail {
  text?: string;
  references: string[];
}

export function parseMailbox(body: unknown): Mailbox {
  if (!isRecord(body) || !Array.isArray(body.mails))
    throw new Error('the server answered GET /v1/mailbox without a mail list');
  return { catcher: body.catcher === true, mails: body.mails.map(parseCaughtMail) };
}

export function parseCaughtMailDetail(body: unknown): CaughtMailDetail {
  const mail = parseCaughtMail(body);
  const o = body as Record<string, unknown>;
  return {
    ...mail,
    text: str(o.text),
    references: Array.isArray(o.references)
      ? o.references.filter((r): r is string => typeof r === 'string')
      : [],
  };
}

function parseCaughtMail(value: unknown): CaughtMail {
  if (!isRecord(value)) throw new Error('the server answered with a mail that is not an object');
  const id = num(value.id);
  if (id === undefined) throw new Error('the server answered with a mail without an id');
  return {
    id,
    from: str(value.from) ?? '',
    to: str(value.to) ?? '',
    subject: str(value.subject) ?? '',
    date: str(value.date),
    receivedAt: str(value.receivedAt),
    messageId: str(value.messageId),
    inReplyTo: str(value.inReplyTo),
  };
}
