import type { Msg, NatsConnection } from 'nats';
import { DeliveredMessage, type ConsumedMessage } from './consumed-message';
import {
  ensureConsumer,
  resolveConsumer,
  type ConsumerRunner,
  type DurableConsumerOptions,
  type ResolvedConsumer,
} from './consumer-config';
import { flushQuietly } from './flush';
import { describeError } from './logger';
import { PullSource } from './pull-source';

export interface BatchConsumerOptions extends DurableConsumerOptions {
  /** Most messages handed to one call of the handler while the consumer keeps up. */
  maxBatch: number;
  /**
   * Most messages in one call while the consumer is far behind (more waiting, here and at the
   * server, than `maxBatch`): a replay or a backlog is written in few large transactions, while
   * a lone live message is still handled at once. Defaults to `maxBatch`.
   */
  catchUpBatch?: number;
  /** After a quiet spell, how long the first message waits for company. */
  maxWaitMs: number;
  /**
   * While a batch is being handled, hand over the next one as soon as a full batch waits, so the
   * handler can prepare it (decode, fold) meanwhile. At most two batches are in the handler at
   * once, and the handler must itself keep apart what must not overlap (the projector's writes).
   */
  overlap?: boolean;
  /** Resolving acks the whole batch; throwing naks all of it with a backoff delay. */
  handler: (messages: ConsumedMessage[]) => Promise<void>;
}

/**
 * A durable consumer handled a batch at a time, one batch at once (the projector writes a batch
 * in one transaction). While a batch runs the next one is already being fetched.
 */
export async function startBatchConsumer(
  nc: NatsConnection,
  options: BatchConsumerOptions,
): Promise<ConsumerRunner> {
  if (!(options.maxBatch >= 1)) throw new Error('maxBatch must be at least 1');
  if (options.catchUpBatch !== undefined && !(options.catchUpBatch >= options.maxBatch)) {
    throw new Error(`catchUpBatch (${options.catchUpBatch}) must be at least maxBatch (${options.maxBatch})`);
  }
  // Room for the batch being handled and the next one filling meanwhile.
  const window = Math.max(options.maxBatch, options.catchUpBatch ?? 0) * 2;
  const consumer = resolveConsumer(options, window);
  await ensureConsumer(nc, consumer);
  const runner = new BatchRunner(nc, consumer, options, window);
  runner.start();
  return runner;
}

class BatchRunner implements ConsumerRunner {
  private readonly source: PullSource;
  private buffer: DeliveredMessage[] = [];
  /** Ack subject of the newest message received: it tells how many more the server holds. */
  private newestReply?: string;
  /** Batches in the handler, and their messages. */
  private inFlight = 0;
  private running = 0;
  /** The flush waiting for company (`maxWaitMs`); cancels it. */
  private cancelWait?: () => void;
  private stopping = false;
  private idle?: () => void;

  constructor(
    private readonly nc: NatsConnection,
    private readonly consumer: ResolvedConsumer,
    private readonly options: BatchConsumerOptions,
    window: number,
  ) {
    this.source = new PullSource({
      nc,
      stream: consumer.stream,
      durable: consumer.config.durable_name,
      window,
      logger: consumer.logger,
      onMessage: (msg) => this.receive(msg),
      held: () => this.buffer.length + this.running,
      recover: () => ensureConsumer(nc, consumer),
    });
  }

  start(): void {
    this.source.start();
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.cancelWait?.();
    await this.source.stop();
    for (const message of this.buffer.splice(0)) message.nak();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
    await flushQuietly(this.nc);
  }

  private receive(msg: Msg): void {
    const message = new DeliveredMessage(msg, this.consumer.names.contractSubject(msg.subject));
    if (this.stopping) {
      message.nak();
      return;
    }
    this.buffer.push(message);
    this.newestReply = msg.reply;
    if (this.inFlight > 0) {
      // Only where a batch can have just become full (the check reads the ack subject).
      const held = this.buffer.length;
      if (this.options.overlap && (held === this.options.maxBatch || held === this.options.catchUpBatch)) {
        this.flush();
      }
      return;
    }
    if (this.buffer.length >= this.options.maxBatch) this.flush();
    else this.cancelWait ??= this.waitForCompany();
  }

  /**
   * Schedules the flush of a batch that is not full. With no wait, it runs right after the turn
   * that brought the message: what one read of the socket delivered is handed over in that turn,
   * so it still forms one batch, and nothing waits for a timer (`setTimeout(0)` is a millisecond).
   */
  private waitForCompany(): () => void {
    if (this.options.maxWaitMs <= 0) {
      const immediate = setImmediate(() => this.flush());
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(() => this.flush(), this.options.maxWaitMs);
    return () => clearTimeout(timer);
  }

  private flush(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    if (this.buffer.length === 0 || this.stopping) return;
    if (this.inFlight > 0 && !(this.options.overlap && this.inFlight === 1)) return;
    const behind = this.buffer.length + pendingOf(this.newestReply) > this.options.maxBatch;
    const size = behind ? (this.options.catchUpBatch ?? this.options.maxBatch) : this.options.maxBatch;
    // A second batch goes in only when it is full: otherwise more may join it meanwhile.
    const overlapping = this.options.overlap === true && this.inFlight === 1 && this.buffer.length >= size;
    if (this.inFlight > 0 && !overlapping) return;
    const batch = this.buffer.splice(0, size);
    this.inFlight++;
    this.running += batch.length;
    let handled: Promise<void>;
    try {
      handled = this.options.handler(batch);
    } catch (err) {
      handled = Promise.reject(err);
    }
    handled.then(
      () => this.settle(batch, undefined),
      (err: unknown) => this.settle(batch, err ?? new Error('batch handler rejected')),
    );
  }

  private settle(batch: DeliveredMessage[], err: unknown): void {
    if (err === undefined) for (const message of batch) message.ack();
    else this.fail(batch, err);
    this.inFlight--;
    this.running -= batch.length;
    if (this.stopping) {
      if (this.inFlight === 0) this.idle?.();
      return;
    }
    // What arrived meanwhile has waited a batch already: take it at once.
    this.flush();
    this.source.refill();
  }

  private fail(batch: DeliveredMessage[], err: unknown): void {
    const { logger, maxDeliver, nakDelayMs, config } = this.consumer;
    let retried = 0;
    let firstFailure = false;
    for (const message of batch) {
      const deliveries = message.redeliveryCount + 1;
      if (maxDeliver > 0 && deliveries >= maxDeliver) {
        logger.error(
          `${config.durable_name}: gave up on ${message.subject} #${message.seq} after ${deliveries} deliveries: ${describeError(err)}`,
        );
        message.term();
        continue;
      }
      firstFailure ||= message.redeliveryCount === 0;
      message.nak(nakDelayMs(message.redeliveryCount));
      retried++;
    }
    if (firstFailure)
      logger.warn(
        `${config.durable_name}: batch of ${batch.length} failed, ${retried} will be retried: ${describeError(err)}`,
      );
  }
}

/**
 * The server's count of messages still waiting for the consumer, the last token but one or last
 * of the ack subject (`$JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>`, or
 * with a domain, an account hash and a trailing token on newer servers). 0 when unreadable.
 */
export function pendingOf(reply: string | undefined): number {
  if (!reply) return 0;
  const tokens = reply.split('.');
  const pending = Number(tokens[tokens.length === 9 ? 8 : 10]);
  return Number.isFinite(pending) ? pending : 0;
}
