import type { EventLogNames } from '@chainmail/event-log';
import { NatsRequestClient } from '@chainmail/platform';
import type { NatsConnection } from 'nats';

/**
 * Asks the registry (and the projector's rebuild) over Nest's NATS request/reply, on the
 * process's connection and namespace; their coded errors come back as the same `ChainmailError`,
 * no answer as `UNAVAILABLE`.
 */
export class RegistryClient {
  private readonly client: NatsRequestClient;

  constructor(
    nc: NatsConnection,
    names: EventLogNames,
    private readonly timeoutMs = 10_000,
  ) {
    this.client = new NatsRequestClient(nc, names);
  }

  request<T>(subject: string, payload: unknown): Promise<T> {
    const who = subject.split('.')[0] ?? 'registry';
    return this.client.ask<T>(subject, payload, who, this.timeoutMs);
  }
}
