import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { CONSUMERS, RUN_EVENTS_STREAM, RUN_SUBJECTS, type RunCommit } from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import {
  startConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import { CHAINMAIL_CONFIG, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import { CommitReactions } from './commit-reactions';

/**
 * Every run commit (`runs.*`), as the durable consumer delivers it: a commit this process wrote
 * is reacted to already (the delivery waits for that reaction); one from before a restart or from
 * another replica is reacted to here. Acknowledged only once its work is in the log.
 */
@Injectable()
export class RunCommitsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: ConsumerRunner;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    private readonly reactions: CommitReactions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.consumer = await startConsumer(this.nc, {
      names: this.names,
      stream: RUN_EVENTS_STREAM,
      durable: CONSUMERS.executionEvents,
      filterSubject: RUN_SUBJECTS,
      concurrency: this.config.executionConcurrency,
      // Short, so a commit held by a replica that died is redelivered within seconds; a live
      // replica heartbeats while it works (an agent call may take minutes).
      ackWaitMs: this.config.executionAckWaitMs,
      handler: (message) => this.onCommit(message),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.stop();
  }

  private async onCommit(message: ConsumedMessage): Promise<void> {
    const heartbeat = setInterval(() => message.working(), heartbeatMs(this.config.executionAckWaitMs));
    try {
      // A commit this process wrote is known by its run (the subject) and sequence: no decoding.
      const known = this.reactions.joined({ runId: runIdOf(message.subject), seq: message.seq });
      if (known) await known;
      else
        await this.reactions.delivered({ ...message.json<RunCommit>(), seq: message.seq }, message.headers);
    } finally {
      clearInterval(heartbeat);
    }
  }
}

function runIdOf(subject: string): string {
  return subject.slice(subject.indexOf('.') + 1);
}

/** Several heartbeats per ack wait, so one late timer (a busy event loop) does not lose the message. */
export function heartbeatMs(ackWaitMs: number): number {
  return Math.max(100, Math.floor(ackWaitMs / 5));
}
