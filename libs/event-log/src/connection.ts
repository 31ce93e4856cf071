import { connect, type ConnectionOptions, type NatsConnection } from 'nats';

/**
 * The one NATS connection of a process. It reconnects forever with a short wait: a NATS restart
 * or failover must pause work, not end the process.
 */
export function connectNats(
  url: string,
  name: string,
  options: Partial<ConnectionOptions> = {},
): Promise<NatsConnection> {
  return connect({
    servers: url.split(',').map((s) => s.trim()),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    maxPingOut: 3,
    // The client otherwise builds an Error (with a stack) for every request in case it times out:
    // measurable on the append hot path, and our errors say what timed out anyway.
    noAsyncTraces: true,
    ...options,
  });
}
