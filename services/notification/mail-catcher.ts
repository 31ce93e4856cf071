import { Logger } from '@nestjs/common';
import type { CaughtMailInput, CaughtMailRepository } from '@chainmail/persistence';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

/**
 * The local mail catcher: an SMTP sink for the default install (`chainmail up` points outbound
 * mail at it), so the headline can be tried on one machine. It takes every mail, whoever it is
 * for, and keeps the newest few hundred for `/mailbox`. It delivers nothing anywhere.
 */
export class MailCatcher {
  private server?: SMTPServer;
  private readonly logger = new Logger('mail-catcher');

  constructor(
    private readonly mailbox: CaughtMailRepository,
    private readonly maxBytes: number,
  ) {}

  /** Listens on `host:port` (0: a free port); resolves to the bound port. */
  async start(host: string, port: number): Promise<number> {
    const server = new SMTPServer({
      name: 'chainmail-mail-catcher',
      banner: 'Chainmail local mail catcher: mail is kept here, never delivered',
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      size: this.maxBytes,
      logger: false,
      // Clients still connected at shutdown (an SMTP pool) are cut after this, not waited for.
      closeTimeout: 1_000,
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => callback(),
          (err: Error) => callback(err),
        );
      },
    });
    server.on('error', (err) => this.logger.warn(`SMTP session error: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const address = server.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    if (stream.sizeExceeded) {
      throw Object.assign(new Error(`Message exceeds ${this.maxBytes} bytes`), { responseCode: 552 });
    }
    const raw = Buffer.concat(chunks);
    await this.mailbox.save(await caughtMail(raw, session));
  }
}

/** The stored form of a mail; a mail that does not parse is kept raw, with what the envelope says. */
export async function caughtMail(
  raw: Buffer,
  session: Pick<SMTPServerSession, 'envelope'>,
): Promise<CaughtMailInput> {
  const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
  const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
  let parsed: ParsedMail | undefined;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  } catch {
    parsed = undefined;
  }
  const references = parsed?.references;
  return {
    envelopeFrom,
    envelopeTo,
    from: addressText(parsed?.from) ?? envelopeFrom,
    to: addressText(parsed?.to) ?? envelopeTo.join(', '),
    subject: parsed?.subject ?? '',
    date: parsed?.date ?? null,
    messageId: parsed?.messageId ?? null,
    inReplyTo: parsed?.inReplyTo ?? null,
    references: references === undefined ? [] : Array.isArray(references) ? references : [references],
    text: parsed?.text ?? null,
    html: typeof parsed?.html === 'string' ? parsed.html : null,
    raw,
  };
}

function addressText(value: AddressObject | AddressObject[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((a) => a.text).join(', ');
}
