import { ChainmailError } from '@chainmail/contracts';
import { Events, type JetStreamClient, type JetStreamManager, type NatsConnection } from 'nats';

/** JetStream handles of a connection, made once: a manager costs a round trip to create. */
export interface JetStreamHandles {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  manager(): Promise<JetStreamManager>;
  /**
   * Resolves at once while connected; during a reconnect, when it completes. The client drops
   * what is published while disconnected, so a request sent then would only time out.
   */
  ready(): Promise<void>;
}

const RECONNECT_WAIT_MS = 5_000;
const CONNECTED = Promise.resolve();
const handles = new WeakMap<NatsConnection, JetStreamHandles>();

export function jetStreamOf(nc: NatsConnection): JetStreamHandles {
  let found = handles.get(nc);
  if (!found) {
    found = createHandles(nc);
    handles.set(nc, found);
  }
  return found;
}

function createHandles(nc: NatsConnection): JetStreamHandles {
  let manager: Promise<JetStreamManager> | undefined;
  let connected = true;
  let waiters: (() => void)[] = [];
  const wake = (): void => {
    const woken = waiters;
    waiters = [];
    for (const w of woken) w();
  };
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === Events.Disconnect) connected = false;
      else if (status.type === Events.Reconnect) {
        connected = true;
        wake();
      }
    }
  })().catch(() => undefined);
  void nc.closed().then(wake, wake);

  return {
    nc,
    js: nc.jetstream(),
    manager: () => {
      manager ??= nc.jetstreamManager().catch((err: unknown) => {
        manager = undefined;
        throw err;
      });
      return manager;
    },
    ready: () => {
      if (connected || nc.isClosed()) return CONNECTED;
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters = waiters.filter((w) => w !== done);
          reject(new ChainmailError('UNAVAILABLE', `NATS unreachable for ${RECONNECT_WAIT_MS} ms`));
        }, RECONNECT_WAIT_MS);
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push(done);
      });
    },
  };
}
