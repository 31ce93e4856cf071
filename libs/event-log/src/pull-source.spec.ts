import { Events, headers, type Msg, type MsgHdrs, type NatsConnection, type Status } from 'nats';
import { silentLogger } from './logger';
import { PullSource } from './pull-source';

/** Just enough of a connection to watch what the pull loop asks the server for. */
class FakeConnection {
  readonly pulls: { batch: number; expires: number; idle_heartbeat: number }[] = [];
  inbox = '';
  private deliver?: (err: Error | null, msg: Msg) => void;
  private statusListeners: ((s: Status) => void)[] = [];

  subscribe(subject: string, opts: { callback: (err: Error | null, msg: Msg) => void }) {
    this.inbox = subject;
    this.deliver = opts.callback;
    return { drain: async () => undefined, unsubscribe: () => undefined };
  }
  publish(subject: string, data: Uint8Array, opts: { reply: string }) {
    expect(subject).toBe('$JS.API.CONSUMER.MSG.NEXT.S.d');
    expect(opts.reply).toBe(this.inbox);
    this.pulls.push(JSON.parse(new TextDecoder().decode(data)));
  }
  status(): AsyncIterable<Status> {
    const queue: Status[] = [];
    let wake: (() => void) | undefined;
    this.statusListeners.push((s) => {
      queue.push(s);
      wake?.();
    });
    return {
      [Symbol.asyncIterator]: () => ({
        next: async () => {
          while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
          return { value: queue.shift() as Status, done: false };
        },
      }),
    };
  }
  emitStatus(type: Events): void {
    for (const l of this.statusListeners) l({ type, data: '' });
  }
  closed = () => new Promise<void>(() => undefined);
  isClosed = () => false;
  jetstream = () => ({ apiPrefix: '$JS.API' });

  message(): void {
    this.deliver?.(null, {
      subject: 'runs.r1',
      reply: '$JS.ACK.S.d.1.1.1.1.0',
      data: new Uint8Array(),
    } as unknown as Msg);
  }
  statusMessage(code: number, description: string, pending?: number): void {
    const h: MsgHdrs = headers(code, description);
    if (pending !== undefined) h.set('Nats-Pending-Messages', String(pending));
    this.deliver?.(null, { subject: this.inbox, data: new Uint8Array(), headers: h } as unknown as Msg);
  }
}

function setUp(window: number, heartbeatMs = 1_000) {
  const nc = new FakeConnection();
  let held = 0;
  let recovered = 0;
  const received: Msg[] = [];
  const source = new PullSource({
    nc: nc as unknown as NatsConnection,
    stream: 'S',
    durable: 'd',
    window,
    heartbeatMs,
    expiresMs: 30_000,
    logger: silentLogger,
    onMessage: (m) => {
      held++;
      received.push(m);
    },
    held: () => held,
    recover: async () => void recovered++,
  });
  return {
    nc,
    source,
    received,
    finish: (n: number) => {
      held -= n;
      source.refill();
    },
    recovered: () => recovered,
  };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('PullSource', () => {
  it('asks for a full window at start, with expiry and heartbeats', async () => {
    const { nc, source } = setUp(8);
    source.start();
    expect(nc.pulls).toEqual([{ batch: 8, expires: 30_000_000_000, idle_heartbeat: 1_000_000_000 }]);
    await source.stop();
  });

  it('never asks for more than the window minus what is held or already requested', async () => {
    const { nc, source, received, finish } = setUp(8);
    source.start();
    for (let i = 0; i < 8; i++) nc.message();
    expect(received).toHaveLength(8);
    source.refill();
    expect(nc.pulls).toHaveLength(1); // all 8 held: nothing free

    finish(1); // one free, below a quarter of the window, but nothing requested: ask anyway
    expect(nc.pulls.at(-1)?.batch).toBe(1);
    finish(1); // one more free while one is requested: wait for a quarter window
    expect(nc.pulls).toHaveLength(2);
    finish(2);
    expect(nc.pulls.at(-1)?.batch).toBe(3);
    await source.stop();
  });

  it('gets back the credits of an expired request and asks again', async () => {
    const { nc, source } = setUp(8);
    source.start();
    nc.message();
    nc.message();
    nc.statusMessage(100, 'Idle Heartbeat');
    expect(nc.pulls).toHaveLength(1);
    nc.statusMessage(408, 'Request Timeout', 6);
    expect(nc.pulls.at(-1)?.batch).toBe(6); // 2 still held
    await source.stop();
  });

  it('recreates the consumer and pulls afresh after a reconnect or a deleted consumer', async () => {
    const { nc, source, recovered } = setUp(4);
    source.start();
    nc.emitStatus(Events.Reconnect);
    await tick();
    await tick();
    expect(recovered()).toBe(1);
    expect(nc.pulls.map((p) => p.batch)).toEqual([4, 4]);
    nc.statusMessage(409, 'Consumer Deleted', 4);
    await tick();
    expect(recovered()).toBe(2);
    expect(nc.pulls.map((p) => p.batch)).toEqual([4, 4, 4]);
    await source.stop();
  });

  it('treats missing heartbeats as a lost request', async () => {
    const { nc, source, recovered } = setUp(4, 10);
    source.start();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(recovered()).toBeGreaterThanOrEqual(1);
    expect(nc.pulls.length).toBeGreaterThanOrEqual(2);
    await source.stop();
  });
});
