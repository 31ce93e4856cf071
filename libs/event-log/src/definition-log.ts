import type { DefinitionEvent } from '@chainmail/contracts';
import type { JsMsg, NatsConnection, StoredMsg } from 'nats';
import { toAppendError } from './append-conflict';
import { decodeJson, encodeJson } from './codec';
import { jetStreamOf, type JetStreamHandles } from './jetstream';
import { eventLogNames, type EventLogNames } from './names';
import { followRange, readRange } from './ordered-reader';
import { lastBySubject } from './stream-messages';

export interface StoredDefinitionEvent {
  /** Stream sequence: the catalog's position in the definition log. */
  seq: number;
  event: DefinitionEvent;
}

/**
 * The registry's log: one subject per workflow name (`definitions.<name>`) and one per agent
 * address (`agents.<token>`), in one stream, so one fold sees both in one order.
 */
export class DefinitionLog {
  private readonly jet: JetStreamHandles;

  constructor(
    nc: NatsConnection,
    private readonly names: EventLogNames = eventLogNames(),
  ) {
    this.jet = jetStreamOf(nc);
  }

  /**
   * Appends after `expectedLastSeq`, the last sequence of this workflow's subject (0: new name).
   * Throws `AppendConflict` when another publisher got there first.
   */
  async append(
    name: string,
    event: DefinitionEvent,
    expectedLastSeq: number,
    msgId?: string,
  ): Promise<{ seq: number; duplicate: boolean }> {
    return this.appendTo(this.names.definitionSubject(name), event, expectedLastSeq, msgId);
  }

  /** Appends an agent directory event after `expectedLastSeq`, the last sequence of the address's subject. */
  async appendAgent(
    address: string,
    event: DefinitionEvent,
    expectedLastSeq: number,
    msgId?: string,
  ): Promise<{ seq: number; duplicate: boolean }> {
    return this.appendTo(this.names.agentSubject(address), event, expectedLastSeq, msgId);
  }

  /** Appends a marketplace listing event after `expectedLastSeq`, the last sequence of the listing's subject. */
  async appendListing(
    id: string,
    event: DefinitionEvent,
    expectedLastSeq: number,
  ): Promise<{ seq: number; duplicate: boolean }> {
    return this.appendTo(this.names.listingSubject(id), event, expectedLastSeq);
  }

  /** The last sequence of a listing's subject; 0 when it was never published. */
  async lastSequenceOfListing(id: string): Promise<number> {
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const last = await lastBySubject(jsm, this.names.definitionEventsStream, this.names.listingSubject(id));
    return last ? last.seq : 0;
  }

  private async appendTo(
    subject: string,
    event: DefinitionEvent,
    expectedLastSeq: number,
    msgId?: string,
  ): Promise<{ seq: number; duplicate: boolean }> {
    await this.jet.ready();
    try {
      const ack = await this.jet.js.publish(subject, encodeJson(event), {
        msgID: msgId,
        expect: { lastSubjectSequence: expectedLastSeq },
      });
      return { seq: ack.seq, duplicate: ack.duplicate };
    } catch (err) {
      throw toAppendError(err, subject, expectedLastSeq);
    }
  }

  /** The whole log, in order (a snapshot: events appended meanwhile come through `follow`). */
  async readAll(): Promise<StoredDefinitionEvent[]> {
    const stream = this.names.definitionEventsStream;
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const { state } = await jsm.streams.info(stream);
    if (state.messages === 0) return [];
    const messages = await readRange(this.jet.js, stream, {
      fromSeq: state.first_seq,
      untilSeq: state.last_seq,
    });
    return messages.map((m) => this.decode(m));
  }

  /** Events from `fromSeq` (inclusive), then live ones until `signal` aborts. */
  async *follow(fromSeq: number, signal?: AbortSignal): AsyncGenerator<StoredDefinitionEvent> {
    await this.jet.ready();
    const messages = followRange(this.jet.js, this.names.definitionEventsStream, { fromSeq, signal });
    for await (const m of messages) yield this.decode(m);
  }

  /** The last sequence of a workflow's subject; 0 when the name was never published. */
  async lastSequenceOf(name: string): Promise<number> {
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const last = await lastBySubject(
      jsm,
      this.names.definitionEventsStream,
      this.names.definitionSubject(name),
    );
    return last ? last.seq : 0;
  }

  /** The last sequence of an agent address's subject; 0 when it was never registered. */
  async lastSequenceOfAgent(address: string): Promise<number> {
    await this.jet.ready();
    const jsm = await this.jet.manager();
    const last = await lastBySubject(
      jsm,
      this.names.definitionEventsStream,
      this.names.agentSubject(address),
    );
    return last ? last.seq : 0;
  }

  decode(msg: JsMsg | StoredMsg): StoredDefinitionEvent {
    const value = decodeJson(msg.data);
    if (!isDefinitionEvent(value)) throw new Error(`Stream message ${msg.seq} is not a definition event.`);
    return { seq: msg.seq, event: value };
  }
}

function isDefinitionEvent(value: unknown): value is DefinitionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && typeof v.data === 'object' && v.data !== null;
}
