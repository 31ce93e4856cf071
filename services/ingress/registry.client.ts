import { ChainmailError, type ErrorCode } from '@chainmail/contracts';
import type { NatsConnection } from 'nats';

export type RegistryReply<T> =
  { ok: true; result: T } | { ok: false; error: { code: ErrorCode; message: string; details?: unknown } };

/** Asks the registry over NATS request/reply; its errors come back as the same coded errors. */
export class RegistryClient {
  private readonly encoder = new TextEncoder();
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly nc: NatsConnection,
    private readonly timeoutMs = 10_000,
  ) {}

  async request<T>(subject: string, payload: unknown): Promise<T> {
    let raw: Uint8Array;
    try {
      const reply = await this.nc.request(subject, this.encoder.encode(JSON.stringify(payload)), {
        timeout: this.timeoutMs,
      });
      raw = reply.data;
    } catch (err) {
      throw new ChainmailError(
        'UNAVAILABLE',
        `The registry did not answer (${(err as Error).message}); is the registry service running?`,
      );
    }
    const reply = JSON.parse(this.decoder.decode(raw)) as RegistryReply<T>;
    if (reply.ok) return reply.result;
    throw new ChainmailError(reply.error.code, reply.error.message, reply.error.details);
  }
}
