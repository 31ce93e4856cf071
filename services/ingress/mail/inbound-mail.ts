import { createHash } from 'node:crypto';
import { simpleParser, type ParsedMail } from 'mailparser';
import { checkMailBounds } from './mail-bounds';

/** What a workflow sees of a mail: its text and the facts templates read as `trigger.*`. */
export interface InboundMail {
  /** The `From` address, when the header has one. */
  from?: string;
  subject?: string;
  messageId?: string;
  /** The thread so far (`References`, else `In-Reply-To`), for the reply to continue it. */
  references: string[];
  /** The mail this one answers (an agent mail's Message-ID makes it an agent's reply). */
  inReplyTo?: string;
  /** The text part, or the HTML part as text when there is no text part; '' when neither. */
  text: string;
  attachments: { filename?: string; contentType: string; size: number }[];
  /** `Auto-Submitted` other than `no`: an auto-reply or a bounce, which must not start runs (mail loops). */
  autoSubmitted: boolean;
  /** sha256 of the raw message: names a redelivery of a mail that has no Message-ID. */
  digest: string;
}

export class MailUnreadable extends Error {}

/**
 * Parses a raw message with mailparser, bounded in time: a hostile message cannot hold the
 * session. Inline, on the calling thread: MailReader runs parseMail on the worker pool instead.
 */
export async function readMail(raw: Buffer, timeoutMs: number): Promise<InboundMail> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new MailUnreadable(`parsing took longer than ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([parseMail(raw), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The message's facts, after its structure is checked against the bounds of mail-bounds.ts. */
export async function parseMail(raw: Buffer): Promise<InboundMail> {
  const crossed = checkMailBounds(raw);
  if (crossed !== undefined) throw new MailUnreadable(crossed);
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, {
      skipTextToHtml: true,
      skipImageLinks: true,
      keepCidLinks: true,
      checksumAlgo: false,
      maxHtmlLengthToParse: 5 * 1024 * 1024,
    });
  } catch (err) {
    throw new MailUnreadable((err as Error).message);
  }
  const autoSubmitted = headerText(parsed, 'auto-submitted');
  return {
    from: parsed.from?.value.find((a) => a.address)?.address,
    subject: parsed.subject,
    messageId: parsed.messageId,
    references: referencesOf(parsed),
    ...(parsed.inReplyTo !== undefined ? { inReplyTo: parsed.inReplyTo } : {}),
    // The line break that ends a single-part body is framing (a multipart body has none): drop only it.
    text: (parsed.text ?? '').replace(/\r?\n$/, ''),
    attachments: parsed.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      size: a.size,
    })),
    autoSubmitted: autoSubmitted !== undefined && autoSubmitted.trim().toLowerCase() !== 'no',
    digest: createHash('sha256').update(raw).digest('hex'),
  };
}

function referencesOf(parsed: ParsedMail): string[] {
  if (parsed.references !== undefined) return [parsed.references].flat();
  return parsed.inReplyTo !== undefined ? [parsed.inReplyTo] : [];
}

function headerText(parsed: ParsedMail, name: string): string | undefined {
  const value = parsed.headers.get(name);
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  // Structured headers come back as `{ value, params }`.
  const inner = (value as { value?: unknown }).value;
  return typeof inner === 'string' ? inner : String(value);
}
