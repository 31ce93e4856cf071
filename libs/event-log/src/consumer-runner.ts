import type { Msg, NatsConnection } from 'nats';
import { DeliveredMessage, type ConsumedMessage } from './consumed-message';
import {
  ensureConsumer,
  RedeliverLater,
  resolveConsumer,
  type ConsumerRunner,
  type DurableConsumerOptions,
  type ResolvedConsumer,
} from './consumer-config';
import { describeError } from './logger';
import { flushQuietly } from './flush';
import { PullSource } from './pull-source';

export interface ConsumerOptions extends DurableConsumerOptions {
  /** Most handlers running at once in this process. */
  concurrency: number;
  /** Resolving acks the message; throwing naks it with a backoff delay. */
  handler: (message: ConsumedMessage) => Promise<void>;
}

/**
 * The one way a service takes work from a durable consumer: creates it if needed, then keeps up
 * to `concurrency` handlers busy. Replicas with the same durable share the messages.
 */
export async function startConsumer(nc: NatsConnection, options: ConsumerOptions): Promise<ConsumerRunner> {
  if (!(options.concurrency >= 1)) throw new Error('concurrency must be at least 1');
  const consumer = resolveConsumer(options, options.concurrency);
  await ensureConsumer(nc, consumer);
  const runner = new ConcurrentRunner(nc, consumer, options);
  runner.start();
  return runner;
}

class ConcurrentRunner implements ConsumerRunner {
  private readonly source: PullSource;
  /** Delivered beyond the free slots (rare: after a reset the server may still fill old requests). */
  private readonly waiting: Msg[] = [];
  private inFlight = 0;
  private stopping = false;
  private idle?: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly consumer: ResolvedConsumer,
    private readonly options: ConsumerOptions,
  ) {
    this.source = new PullSource({
      nc,
      stream: consumer.stream,
      durable: consumer.config.durable_name,
      window: options.concurrency,
      logger: consumer.logger,
      onMessage: (msg) => this.receive(msg),
      held: () => this.inFlight + this.waiting.length,
      recover: () => ensureConsumer(nc, consumer),
    });
  }

  start(): void {
    this.source.start();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    await this.source.stop();
    for (const msg of this.waiting.splice(0)) this.wrap(msg).nak();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await flushQuietly(this.nc);
  }

  private receive(msg: Msg): void {
    if (this.stopping) this.wrap(msg).nak();
    else if (this.inFlight < this.options.concurrency) this.run(msg);
    else this.waiting.push(msg);
  }

  private run(msg: Msg): void {
    this.inFlight++;
    const message = this.wrap(msg);
    let handled: Promise<void>;
    try {
      handled = this.options.handler(message);
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then(
      () => this.settle(message, undefined),
      (err: unknown) => this.settle(message, err ?? new Error('handler rejected')),
    );
  }

  private settle(message: DeliveredMessage, err: unknown): void {
    if (err === undefined) message.ack();
    else this.fail(message, err);
    this.inFlight--;
    const next = this.waiting.shift();
    if (next) this.receive(next);
    else if (!this.stopping) this.source.refill();
    if (this.stopping && this.inFlight === 0) this.idle?.();
  }

  private fail(message: DeliveredMessage, err: unknown): void {
    if (err instanceof RedeliverLater) {
      message.nak(err.delayMs);
      return;
    }
    const { logger, maxDeliver, nakDelayMs } = this.consumer;
    const deliveries = message.redeliveryCount + 1;
    if (maxDeliver > 0 && deliveries >= maxDeliver) {
      logger.error(
        `${this.consumer.config.durable_name}: gave up on ${message.subject} #${message.seq} after ${deliveries} deliveries: ${describeError(err)}`,
      );
      message.term();
      return;
    }
    // Said once per message; its redeliveries fail quietly until they succeed or give up.
    if (message.redeliveryCount === 0) {
      logger.warn(
        `${this.consumer.config.durable_name}: ${message.subject} #${message.seq} failed, will retry: ${describeError(err)}`,
      );
    }
    message.nak(nakDelayMs(message.redeliveryCount));
  }

  private wrap(msg: Msg): DeliveredMessage {
    return new DeliveredMessage(msg, this.consumer.names.contractSubject(msg.subject));
  }
}
