import {
  DeliverPolicy,
  type ConsumerMessages,
  type JetStreamClient,
  type JsMsg,
  type OrderedConsumerOptions,
} from 'nats';

interface Range {
  filterSubject?: string;
  /** First stream sequence to deliver (1: the beginning). */
  fromSeq: number;
}

/**
 * Reads a stream (or one subject of it) with an ordered consumer: server-side, in order, with no
 * acks. The consumer is deleted when the read ends, so reads leave nothing behind.
 */
export async function readRange(
  js: JetStreamClient,
  stream: string,
  range: Range & {
    /** Stop once this sequence is read: a snapshot, later appends are not awaited. */ untilSeq: number;
  },
): Promise<JsMsg[]> {
  const out: JsMsg[] = [];
  if (range.untilSeq < range.fromSeq) return out;
  const consumer = await js.consumers.get(stream, orderedOptions(range));
  const messages = await consumer.consume({ max_messages: 256 });
  try {
    for await (const m of messages) {
      out.push(m);
      if (m.seq >= range.untilSeq || m.info.pending === 0) break;
    }
  } finally {
    await closeQuietly(messages);
    await consumer.delete().catch(() => undefined);
  }
  return out;
}

/** Delivers the stream's messages from `fromSeq`, then live ones, until `signal` aborts. */
export async function* followRange(
  js: JetStreamClient,
  stream: string,
  range: Range & { signal?: AbortSignal },
): AsyncGenerator<JsMsg> {
  const { signal } = range;
  if (signal?.aborted) return;
  const consumer = await js.consumers.get(stream, orderedOptions(range));
  const messages = await consumer.consume({ max_messages: 256 });
  const onAbort = (): void => void closeQuietly(messages);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted) return;
    for await (const m of messages) {
      if (signal?.aborted) return;
      yield m;
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await closeQuietly(messages);
    await consumer.delete().catch(() => undefined);
  }
}

function orderedOptions(range: Range): Partial<OrderedConsumerOptions> {
  const options: Partial<OrderedConsumerOptions> = {};
  if (range.filterSubject) options.filterSubjects = range.filterSubject;
  if (range.fromSeq > 1) {
    options.deliver_policy = DeliverPolicy.StartSequence;
    options.opt_start_seq = range.fromSeq;
  }
  return options;
}

async function closeQuietly(messages: ConsumerMessages): Promise<void> {
  try {
    await messages.close();
  } catch {
    // Closing an iterator whose connection is gone has nothing left to release.
  }
}
