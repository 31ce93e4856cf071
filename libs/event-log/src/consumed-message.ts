import { nanos, type Msg } from 'nats';
import { decodeJson, fromMsgHdrs } from './codec';

/** A message taken from a durable consumer, as a handler sees it. */
export interface ConsumedMessage {
  /** The contract subject (namespace removed), e.g. `runs.<runId>`. */
  readonly subject: string;
  /** Stream sequence. */
  readonly seq: number;
  readonly data: Uint8Array;
  /** The payload parsed as JSON, unvalidated: the handler checks its shape. */
  json<T>(): T;
  /** Headers as sent (`traceparent`, `Nats-Msg-Id`, …). */
  readonly headers: Record<string, string>;
  /** Deliveries before this one: 0 the first time a handler sees the message. */
  readonly redeliveryCount: number;
  /** Tells the server the handler is still at work, restarting the ack wait. */
  working(): void;
}

const encoder = new TextEncoder();
const ACK = encoder.encode('+ACK');
const WORKING = encoder.encode('+WPI');
const NAK = encoder.encode('-NAK');
const TERM = encoder.encode('+TERM');

/** Reads the position out of the ack subject, once and only when asked. */
function parseAckSubject(reply: string): { seq: number; deliveries: number } {
  // $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>, or with
  // <domain>.<account hash> after ACK (and a trailing token) on newer servers.
  const tokens = reply.split('.');
  const base = tokens.length === 9 ? 4 : 6;
  return { deliveries: Number(tokens[base]), seq: Number(tokens[base + 1]) };
}

export class DeliveredMessage implements ConsumedMessage {
  private position?: { seq: number; deliveries: number };
  private headerRecord?: Record<string, string>;

  constructor(
    private readonly msg: Msg,
    readonly subject: string,
  ) {}

  get data(): Uint8Array {
    return this.msg.data;
  }

  get seq(): number {
    return this.where().seq;
  }

  get redeliveryCount(): number {
    return this.where().deliveries - 1;
  }

  get headers(): Record<string, string> {
    this.headerRecord ??= fromMsgHdrs(this.msg.headers);
    return this.headerRecord;
  }

  json<T>(): T {
    return decodeJson(this.msg.data) as T;
  }

  working(): void {
    this.reply(WORKING);
  }

  ack(): void {
    this.reply(ACK);
  }

  /** Redelivers after `delayMs` (0: at once). */
  nak(delayMs = 0): void {
    this.reply(delayMs > 0 ? encoder.encode(`-NAK ${JSON.stringify({ delay: nanos(delayMs) })}`) : NAK);
  }

  /** Never redelivers. */
  term(): void {
    this.reply(TERM);
  }

  private where(): { seq: number; deliveries: number } {
    this.position ??= parseAckSubject(this.msg.reply ?? '');
    return this.position;
  }

  private reply(payload: Uint8Array): void {
    try {
      this.msg.respond(payload);
    } catch {
      // The connection is closed: the server redelivers once the ack wait passes.
    }
  }
}
