import { createInbox, Events, nanos, type Msg, type NatsConnection, type Subscription } from 'nats';
import { encodeJson } from './codec';
import { jetStreamOf } from './jetstream';
import { describeError, type EventLogLogger } from './logger';

export interface PullSourceOptions {
  nc: NatsConnection;
  stream: string;
  durable: string;
  /** Most messages this process holds at once: requested from the server plus held locally. */
  window: number;
  logger: EventLogLogger;
  onMessage(msg: Msg): void;
  /** Messages delivered and not yet acked (in flight or buffered); they count against the window. */
  held(): number;
  /** Makes sure the durable consumer exists (after a reconnect or a lost consumer). */
  recover(): Promise<void>;
  expiresMs?: number;
  heartbeatMs?: number;
}

/**
 * A pull loop with a credit window: it asks the server for no more messages than the process can
 * work on, so replicas sharing a durable share its messages and nothing waits in a client buffer
 * while its ack wait runs out. One subscription, one pull request per refill of a quarter window.
 */
export class PullSource {
  private readonly inbox = createInbox();
  private readonly pullSubject: string;
  private readonly expiresMs: number;
  private readonly heartbeatMs: number;
  private readonly threshold: number;
  private sub?: Subscription;
  private timer?: NodeJS.Timeout;
  private statusWatch?: { stop(): void };
  /** Messages requested and not yet delivered (as far as the client can tell). */
  private credits = 0;
  private lastActivity = Date.now();
  private needsRecovery = false;
  private recovering = false;
  private reportedDown = false;
  private reportedRefusal = false;
  private stopped = false;

  constructor(private readonly options: PullSourceOptions) {
    this.pullSubject = `${jetStreamOf(options.nc).js.apiPrefix}.CONSUMER.MSG.NEXT.${options.stream}.${options.durable}`;
    this.expiresMs = options.expiresMs ?? 30_000;
    this.heartbeatMs = options.heartbeatMs ?? Math.min(5_000, Math.floor(this.expiresMs / 3));
    this.threshold = Math.max(1, Math.ceil(options.window / 4));
  }

  start(): void {
    this.sub = this.options.nc.subscribe(this.inbox, {
      callback: (err, msg) => (err ? undefined : this.receive(msg)),
    });
    this.timer = setInterval(() => this.checkAlive(), this.heartbeatMs);
    this.timer.unref();
    this.watchReconnects();
    this.refill();
  }

  /** Requests more messages when enough of the window is free. Call whenever a message is done. */
  refill(): void {
    if (this.stopped || this.needsRecovery) return;
    const free = this.options.window - this.credits - this.options.held();
    if (free <= 0 || (free < this.threshold && this.credits > 0)) return;
    if (this.credits === 0) this.lastActivity = Date.now();
    try {
      this.options.nc.publish(
        this.pullSubject,
        encodeJson({ batch: free, expires: nanos(this.expiresMs), idle_heartbeat: nanos(this.heartbeatMs) }),
        { reply: this.inbox },
      );
      this.credits += free;
    } catch {
      // Closed or draining: there is nothing left to pull for.
    }
  }

  /** Stops requesting; messages already on their way still reach `onMessage` until this resolves. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    this.statusWatch?.stop();
    if (this.sub && !this.options.nc.isClosed()) {
      await this.sub.drain().catch(() => undefined);
    }
  }

  private receive(msg: Msg): void {
    this.lastActivity = Date.now();
    if (msg.subject !== this.inbox) {
      if (this.credits > 0) this.credits--;
      this.options.onMessage(msg);
      return;
    }
    const code = msg.headers?.code ?? 0;
    const description = (msg.headers?.description ?? '').toLowerCase();
    if (code === 100) return; // idle heartbeat: the request is alive
    const left = Number(msg.headers?.get('Nats-Pending-Messages') || 0);
    if (code === 408 || code === 404) {
      // The request ended; its unfilled credits are gone.
      this.credits = Math.max(0, this.credits - left);
      this.refill();
    } else if (code === 409 && description.includes('consumer deleted')) {
      this.options.logger.warn(
        `consumer ${this.options.durable} on ${this.options.stream} was deleted; recreating it`,
      );
      this.reset(true);
    } else if (code === 409 && !description.includes('max')) {
      // Leadership change, server shutdown: every pending request is void.
      this.reset(false);
    } else {
      // Exceeded max waiting/batch/expires: a configuration limit this loop cannot read its way out of.
      if (!this.reportedRefusal) {
        this.options.logger.error(
          `pull from ${this.options.durable} on ${this.options.stream} refused: ${code} ${description}`,
        );
      }
      this.reportedRefusal = true;
      this.credits = 0;
      setTimeout(() => this.refill(), 1_000).unref();
    }
  }

  /** Forgets outstanding requests (the server lost them, or will expire them) and pulls afresh. */
  private reset(recover: boolean): void {
    this.credits = 0;
    if (recover) this.needsRecovery = true;
    if (this.needsRecovery) void this.recover();
    else this.refill();
  }

  private async recover(): Promise<void> {
    if (this.recovering || this.stopped) return;
    this.recovering = true;
    try {
      await this.options.recover();
      this.needsRecovery = false;
      if (this.reportedDown)
        this.options.logger.warn(`consumer ${this.options.durable} on ${this.options.stream} is back`);
      this.reportedDown = false;
      this.refill();
    } catch (err) {
      // Retried by the next liveness check; said once, not at every retry.
      if (!this.reportedDown) {
        this.options.logger.warn(
          `consumer ${this.options.durable} on ${this.options.stream} unavailable: ${describeError(err)}`,
        );
      }
      this.reportedDown = true;
    } finally {
      this.recovering = false;
    }
  }

  private checkAlive(): void {
    if (this.stopped || this.options.nc.isClosed()) return;
    if (this.needsRecovery) {
      void this.recover();
      return;
    }
    // A waiting request sends heartbeats; silence means the server forgot it.
    if (
      this.credits > 0 &&
      Date.now() - this.lastActivity > 2 * this.heartbeatMs + Math.min(1_000, this.heartbeatMs)
    ) {
      this.reset(true);
    } else this.refill();
  }

  private watchReconnects(): void {
    const status = this.options.nc.status();
    if (hasStop(status)) this.statusWatch = status;
    void (async () => {
      for await (const s of status) {
        if (this.stopped) return;
        if (s.type === Events.Reconnect) this.reset(true);
      }
    })().catch(() => undefined);
  }
}

function hasStop(value: object): value is { stop(): void } {
  return 'stop' in value && typeof value.stop === 'function';
}
