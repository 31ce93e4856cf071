import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type Msg, type MsgHdrs, type NatsConnection } from 'nats';
import { consoleLogger, describeError } from './logger';

/** Who published an announcement with a local echo: its connection's own id (see `publishWithEcho`). */
export const ORIGIN_HEADER = 'Chainmail-Origin';

/** Told of an announcement published over the same connection in this process, with its value. */
export type EchoListener = (subject: string, value: unknown) => void;

const origins = new WeakMap<NatsConnection, string>();
const listeners = new WeakMap<NatsConnection, Set<EchoListener>>();

function originOf(nc: NatsConnection): string {
  let origin = origins.get(nc);
  if (origin === undefined) {
    origin = randomUUID();
    origins.set(nc, origin);
  }
  return origin;
}

/**
 * Publishes a core NATS announcement (a run's end, the projector's written runs) for every
 * process, and hands its value at once to this process's listeners on the same connection
 * (`subscribeWithEcho`), which skip the server's copy: in the all-in-one process the waiting
 * request hears it without the round trip through the server, and decodes nothing. A listener's
 * failure is its own: what was published stands.
 */
export function publishWithEcho(
  nc: NatsConnection,
  subject: string,
  data: Uint8Array,
  value: unknown,
  headers: MsgHdrs = natsHeaders(),
): void {
  headers.set(ORIGIN_HEADER, originOf(nc));
  nc.publish(subject, data, { headers });
  for (const listener of listeners.get(nc) ?? []) {
    try {
      listener(subject, value);
    } catch (err) {
      consoleLogger.error(`a listener of ${subject} failed: ${describeError(err)}`);
    }
  }
}

/**
 * Subscribes to `subject` (a trailing `*` matches one last token) over `nc`: announcements from
 * other processes arrive as messages (`fromServer`), those published over `nc` in this process as
 * their values (`here`), each once. The function it returns stops both.
 */
export function subscribeWithEcho<T>(
  nc: NatsConnection,
  subject: string,
  fromServer: (msg: Msg) => void,
  here: (subject: string, value: T) => void,
): () => void {
  const origin = originOf(nc);
  const subscription = nc.subscribe(subject, {
    callback: (err, msg) => {
      if (err === null && msg.headers?.get(ORIGIN_HEADER) !== origin) fromServer(msg);
    },
  });
  const matches = subject.endsWith('*')
    ? (s: string) => s.startsWith(subject.slice(0, -1)) && !s.slice(subject.length - 1).includes('.')
    : (s: string) => s === subject;
  const listener: EchoListener = (s, value) => {
    // What is published on these subjects is the publisher's contract with its listeners.
    if (matches(s)) here(s, value as T);
  };
  const set = listeners.get(nc) ?? new Set<EchoListener>();
  listeners.set(nc, set);
  set.add(listener);
  return () => {
    set.delete(listener);
    subscription.unsubscribe();
  };
}
