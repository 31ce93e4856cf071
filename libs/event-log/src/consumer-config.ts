import {
  AckPolicy,
  DeliverPolicy,
  ReplayPolicy,
  nanos,
  type ConsumerConfig,
  type NatsConnection,
} from 'nats';
import { jetStreamOf } from './jetstream';
import { consoleLogger, describeError, type EventLogLogger } from './logger';
import { eventLogNames, type EventLogNames } from './names';

/** What every durable-consumer runner is told. */
export interface DurableConsumerOptions {
  /** Contract stream name (`RUN_EVENTS`); the namespace of `names` is applied. */
  stream: string;
  /** Shared by every replica of a role, so they share its messages. */
  durable: string;
  /** Contract subject filter (`runs.*`); the namespace of `names` is applied. */
  filterSubject: string;
  /** Where a new durable starts. Default 'all'; work-queue streams require 'all'. */
  deliverPolicy?: 'all' | 'new';
  /** Unacked this long, a message goes to another runner. Default 30 s; `working()` extends it. */
  ackWaitMs?: number;
  /** Server-side cap of unacked messages over all replicas. */
  maxAckPending?: number;
  /** Deliveries before a message is given up (terminated and logged). Default: never. */
  maxDeliver?: number;
  /** Delay before a failed message comes back, by its redelivery count. */
  nakDelayMs?: (redeliveryCount: number) => number;
  names?: EventLogNames;
  logger?: EventLogLogger;
}

export interface ConsumerRunner {
  /** Stops pulling, hands back what was not started, waits for running handlers and their acks. */
  stop(): Promise<void>;
}

/**
 * Thrown by a handler to hand the message back, not as a failure: it comes again after `delayMs`
 * (to this or another replica), and nothing is logged.
 */
export class RedeliverLater extends Error {
  constructor(
    readonly delayMs: number,
    reason: string,
  ) {
    super(reason);
    this.name = 'RedeliverLater';
  }
}

export const defaultNakDelayMs = (redeliveryCount: number): number =>
  Math.min(250 * 2 ** redeliveryCount, 15_000);

export interface ResolvedConsumer {
  stream: string;
  config: Partial<ConsumerConfig> & { durable_name: string };
  names: EventLogNames;
  logger: EventLogLogger;
  nakDelayMs: (redeliveryCount: number) => number;
  maxDeliver: number;
}

export function resolveConsumer(options: DurableConsumerOptions, window: number): ResolvedConsumer {
  const names = options.names ?? eventLogNames();
  const maxDeliver = options.maxDeliver ?? -1;
  return {
    stream: names.stream(options.stream),
    names,
    logger: options.logger ?? consoleLogger,
    nakDelayMs: options.nakDelayMs ?? defaultNakDelayMs,
    maxDeliver,
    config: {
      durable_name: options.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: options.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All,
      filter_subject: names.subject(options.filterSubject),
      ack_wait: nanos(options.ackWaitMs ?? 30_000),
      max_ack_pending: options.maxAckPending ?? Math.max(1_000, window * 4),
      max_deliver: maxDeliver,
      replay_policy: ReplayPolicy.Instant,
    },
  };
}

/**
 * Creates the durable pull consumer or updates it to this configuration (the server treats an
 * identical create as a no-op, so replicas may all call this at start).
 */
export async function ensureConsumer(nc: NatsConnection, consumer: ResolvedConsumer): Promise<void> {
  const jet = jetStreamOf(nc);
  await jet.ready();
  const jsm = await jet.manager();
  try {
    await jsm.consumers.add(consumer.stream, consumer.config);
  } catch (err) {
    throw new Error(
      `Cannot create consumer ${consumer.config.durable_name} on ${consumer.stream}: ${describeError(err)}`,
      { cause: err },
    );
  }
}
