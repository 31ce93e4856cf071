import type { NatsConnection } from 'nats';
import { encodeJson, toMsgHdrs } from './codec';
import { jetStreamOf, type JetStreamHandles } from './jetstream';
import { eventLogNames, type EventLogNames } from './names';

/** Sends commands to the COMMANDS work queue; the command id dedupes retries (`Nats-Msg-Id`). */
export class CommandBus {
  private readonly jet: JetStreamHandles;

  constructor(
    nc: NatsConnection,
    private readonly names: EventLogNames = eventLogNames(),
  ) {
    this.jet = jetStreamOf(nc);
  }

  /** `subject` is the contract subject (`commands.runs.start`); the namespace is applied here. */
  async send(
    subject: string,
    command: { commandId: string },
    headers?: Record<string, string>,
  ): Promise<{ seq: number; duplicate: boolean }> {
    await this.jet.ready();
    const ack = await this.jet.js.publish(this.names.subject(subject), encodeJson(command), {
      msgID: command.commandId,
      headers: toMsgHdrs(headers),
    });
    return { seq: ack.seq, duplicate: ack.duplicate };
  }
}
