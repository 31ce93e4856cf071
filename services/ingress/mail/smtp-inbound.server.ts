import { Logger } from '@nestjs/common';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { MailData, ReceiveMailUseCase, SmtpReply } from './receive-mail.usecase';

export interface SmtpInboundOptions {
  maxMailBytes: number;
  /** The name in the greeting and EHLO answer. */
  hostname?: string;
}

type SmtpError = Error & { responseCode?: number };

/**
 * The SMTP listener: speaks the protocol (smtp-server announces SIZE and refuses a declared
 * oversize at MAIL FROM) and hands each command to the use case. No AUTH or STARTTLS: it receives
 * mail for bound addresses, it relays nothing. A failure inside a handler answers 451 (the client
 * retries later), never takes the process down.
 */
export class SmtpInboundServer {
  private readonly logger = new Logger('smtp');
  private server?: SMTPServer;

  constructor(
    private readonly mail: ReceiveMailUseCase,
    private readonly options: SmtpInboundOptions,
  ) {}

  /** Listens on `port` (0: any free port); resolves with the port it got. */
  async listen(port: number, host: string): Promise<number> {
    const server = new SMTPServer({
      name: this.options.hostname,
      banner: 'Chainmail: mail to a bound address starts its workflow',
      size: this.options.maxMailBytes,
      disabledCommands: ['AUTH', 'STARTTLS'],
      authOptional: true,
      logger: false,
      onMailFrom: (address, session, callback) => {
        this.answer(this.mail.mailFrom(address.address, sessionOf(session)), callback);
      },
      onRcptTo: (address, session, callback) => {
        this.answer(this.mail.rcptTo(senderOf(session), address.address, sessionOf(session)), callback);
      },
      onData: (stream, session, callback) => {
        void this.receive(stream, session).then(
          (reply) => (reply.accept ? callback(null, reply.message) : callback(smtpError(reply))),
          (err: unknown) => callback(this.failure(err)),
        );
      },
    });
    server.on('error', (err) => this.logger.warn(`SMTP connection error: ${err.message}`));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    const address = server.server.address();
    return typeof address === 'object' && address !== null ? address.port : port;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Keeps at most the limit in memory; past it the rest is read and dropped, then refused. */
  private receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<SmtpReply> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (bytes <= this.options.maxMailBytes) chunks.push(chunk);
      });
      stream.once('error', reject);
      stream.once('end', () => {
        const data: MailData =
          stream.sizeExceeded || bytes > this.options.maxMailBytes
            ? { tooLarge: true, bytes }
            : { raw: Buffer.concat(chunks) };
        const envelope = {
          sender: senderOf(session),
          recipients: session.envelope.rcptTo.map((r) => r.address),
        };
        this.mail.data(envelope, data, sessionOf(session)).then(resolve, reject);
      });
    });
  }

  private answer(reply: Promise<SmtpReply>, callback: (err?: Error | null) => void): void {
    reply.then(
      (r) => callback(r.accept ? null : smtpError(r)),
      (err: unknown) => callback(this.failure(err)),
    );
  }

  private failure(err: unknown): SmtpError {
    this.logger.error(
      `inbound mail failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    return smtpError({ accept: false, code: 451, message: 'local error; try again later' });
  }
}

function smtpError(reply: Extract<SmtpReply, { accept: false }>): SmtpError {
  const err: SmtpError = new Error(reply.message);
  err.responseCode = reply.code;
  return err;
}

function senderOf(session: SMTPServerSession): string {
  const from = session.envelope.mailFrom;
  return from === false ? '' : from.address;
}

function sessionOf(session: SMTPServerSession): { remoteAddress?: string } {
  return { remoteAddress: session.remoteAddress };
}
