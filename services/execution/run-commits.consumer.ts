import { Inject, Injectable, OnApplicationBootstrap, BeforeApplicationShutdown } from '@nestjs/common';
import { CONSUMERS, RUN_EVENTS_STREAM, RUN_SUBJECTS } from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import {
  decodeRunCommit,
  RedeliverLater,
  startConsumer,
  type ConsumedMessage,
  type ConsumerRunner,
  type EventLogNames,
} from '@chainmail/event-log';
import { CHAINMAIL_CONFIG, EVENT_LOG_NAMES, NATS_CONNECTION } from '@chainmail/platform';
import type { NatsConnection } from 'nats';
import { CommitReactions } from './commit-reactions';
import { REACTOR_HEADER, ReactionPeers } from './reaction-peers';

/** How soon a commit another live replica is reacting to comes back to be checked again. */
const PEER_RECHECK_MS = 500;
/** Times a live writer that does not know of its commit yet is asked again before this replica takes over. */
const UNKNOWN_RECHECKS = 2;

/**
 * Every run commit (`runs.*`), as the durable consumer delivers it: a commit this process wrote
 * is reacted to already (the delivery waits for that reaction); one from before a restart, or
 * from a replica that died, is reacted to here; one a live replica is reacting to is left to it.
 * Acknowledged only once its work is in the log.
 */
@Injectable()
export class RunCommitsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private consumer?: ConsumerRunner;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(CHAINMAIL_CONFIG) private readonly config: ChainmailConfig,
    @Inject(EVENT_LOG_NAMES) private readonly names: EventLogNames,
    private readonly reactions: CommitReactions,
    private readonly peers: ReactionPeers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.peers.serve();
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
    this.peers.stop();
  }

  private async onCommit(message: ConsumedMessage): Promise<void> {
    const heartbeat = setInterval(() => message.working(), heartbeatMs(this.config.executionAckWaitMs));
    try {
      // A commit this process wrote is known by its run (the subject) and sequence: no decoding.
      const ref = { runId: runIdOf(message.subject), seq: message.seq };
      const known = this.reactions.joined(ref);
      if (known) return await known;
      if ((await this.leftToPeer(message, ref)) === 'done') return;
      await this.reactions.delivered(
        decodeRunCommit(message.data, message.seq, message.subject),
        message.headers,
      );
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Throws `RedeliverLater` while the replica that wrote the commit (and so reacts to it) is alive
   * and not done; 'done' when it is; 'mine' when the work falls to this replica.
   */
  private async leftToPeer(
    message: ConsumedMessage,
    ref: { runId: string; seq: number },
  ): Promise<'done' | 'mine'> {
    const writer = message.headers[REACTOR_HEADER];
    if (writer === undefined || writer === this.peers.instance) return 'mine';
    const answer = await this.peers.ask(writer, ref);
    if (answer === 'done') return 'done';
    if (answer === 'working')
      throw new RedeliverLater(PEER_RECHECK_MS, `execution ${writer} is still reacting to it`);
    // Alive but not told of its own append yet (a delivery can beat the append's ack): a little
    // later; if it still does not know, its append failed on its side and the work is this one's.
    if (answer === 'unknown' && message.redeliveryCount < UNKNOWN_RECHECKS)
      throw new RedeliverLater(PEER_RECHECK_MS, `execution ${writer} has not reacted to it yet`);
    return 'mine';
  }
}

function runIdOf(subject: string): string {
  return subject.slice(subject.indexOf('.') + 1);
}

/** Several heartbeats per ack wait, so one late timer (a busy event loop) does not lose the message. */
function heartbeatMs(ackWaitMs: number): number {
  return Math.max(100, Math.floor(ackWaitMs / 5));
}
