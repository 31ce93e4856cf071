import type { NatsConnection } from 'nats';

/** Makes sure acks written so far reached the server; nothing to do on a closed connection. */
export async function flushQuietly(nc: NatsConnection): Promise<void> {
  if (nc.isClosed()) return;
  try {
    await nc.flush();
  } catch {
    // Closed meanwhile: unacked messages come back after their ack wait.
  }
}
