import { connect, type Socket } from 'node:net';

/**
 * A bare SMTP client for tests that need what a well-behaved client never sends: broken MIME,
 * a lying SIZE, a null sender. Each `send` writes a line (or raw bytes) and resolves with the
 * server's complete reply (multi-line replies joined).
 */
export class SmtpDialogue {
  private buffer = '';
  private waiting?: (reply: string) => void;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.release();
    });
  }

  static async open(port: number, host = '127.0.0.1'): Promise<{ dialogue: SmtpDialogue; greeting: string }> {
    const socket = connect(port, host);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const dialogue = new SmtpDialogue(socket);
    const greeting = await dialogue.reply();
    return { dialogue, greeting };
  }

  send(line: string): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.reply();
  }

  /** Writes a message body and the terminating dot, then waits for the DATA reply. */
  sendData(body: Buffer | string): Promise<string> {
    this.socket.write(body);
    this.socket.write('\r\n.\r\n');
    return this.reply();
  }

  async close(): Promise<void> {
    await this.send('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  private reply(): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no SMTP reply; so far: ${this.buffer}`)), 5_000);
      this.waiting = (reply) => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.release();
    });
  }

  /** A reply is complete at a line `NNN text` (space, not dash, after the code). */
  private release(): void {
    if (!this.waiting) return;
    const lines = this.buffer.split('\r\n');
    const last = lines.findIndex((line) => /^\d{3}( |$)/.test(line));
    if (last === -1) return;
    const reply = lines.slice(0, last + 1).join('\n');
    this.buffer = lines.slice(last + 1).join('\r\n');
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting(reply);
  }
}
