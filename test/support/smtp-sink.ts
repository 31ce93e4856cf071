import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * A real SMTP server for tests: takes every mail (or refuses with a chosen reply while told to),
 * keeps it raw and parsed, and lets a test wait for what it expects.
 */
export interface CaughtSinkMail {
  raw: string;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
  /** Header value by lower-case name, as a string (`message-id`, `in-reply-to`, `references`…). */
  header(name: string): string | undefined;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: CaughtSinkMail[];
  /** Reply to every DATA with this code and text until `accept()` (e.g. 451 try later, 550 no). */
  refuse(code: number, text: string): void;
  accept(): void;
  /** Mails refused so far (one per attempt). */
  refusals: number;
  waitFor(count: number, timeoutMs?: number): Promise<CaughtSinkMail[]>;
  close(): Promise<void>;
}

export async function startSmtpSink(port = 0): Promise<SmtpSink> {
  const mails: CaughtSinkMail[] = [];
  let refusal: { code: number; text: string } | undefined;
  let refusals = 0;
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    closeTimeout: 500,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (refusal) {
          refusals++;
          const err = new Error(refusal.text) as Error & { responseCode: number };
          err.responseCode = refusal.code;
          callback(err);
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        void simpleParser(raw).then((parsed) => {
          mails.push({
            raw,
            parsed,
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              to: session.envelope.rcptTo.map((r) => r.address),
            },
            header: (name) => headerText(parsed.headers.get(name.toLowerCase())),
          });
          waiters.splice(0).forEach((w) => w());
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    port: bound,
    url: `smtp://127.0.0.1:${bound}`,
    mails,
    get refusals() {
      return refusals;
    },
    refuse: (code, text) => (refusal = { code, text }),
    accept: () => (refusal = undefined),
    waitFor: async (count, timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `expected ${count} mails, got ${mails.length}: ${mails.map((m) => m.parsed.subject).join(' | ')}`,
          );
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(left, 200));
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return mails.slice(0, count);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => headerText(v)).join(' ');
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object' && 'text' in value) return String((value as { text: unknown }).text);
  return String(value);
}
