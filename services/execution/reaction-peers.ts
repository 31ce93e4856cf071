import type { StoredRunCommit } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import { ErrorCode, type NatsConnection, type NatsError, type Subscription } from 'nats';
import type { CommitReactions, ReactionState } from './commit-reactions';

/** Names the execution process that appended a commit, and so reacts to it in-process. */
export const REACTOR_HEADER = 'Chainmail-Reactor';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A peer that does not answer this fast is taken as gone. */
const ASK_TIMEOUT_MS = 1_000;

/**
 * Execution replicas asking each other about commits. The durable consumer may deliver a commit
 * to a replica other than its writer, which reacted to it already: that replica asks the writer
 * (core NATS request to `execution.reactions.<instance>`) before doing the work itself. Done: the
 * commit is acknowledged; still at it, or not yet told of its own append: handed back for later;
 * gone (no responders: it died or restarted): the replica reacts itself, as after a crash.
 */
export type PeerAnswer = ReactionState | 'gone';

export class ReactionPeers {
  private sub?: Subscription;

  constructor(
    private readonly nc: NatsConnection,
    private readonly names: EventLogNames,
    readonly instance: string,
    private readonly reactions: CommitReactions,
  ) {}

  /** Answers peers' questions about this process's reactions. */
  serve(): void {
    this.sub = this.nc.subscribe(this.subjectOf(this.instance), {
      callback: (err, msg) => {
        if (err) return;
        const [runId, seq] = decoder.decode(msg.data).split('@');
        msg.respond(encoder.encode(this.reactions.stateOf({ runId, seq: Number(seq) })));
      },
    });
  }

  async ask(writer: string, commit: Pick<StoredRunCommit, 'runId' | 'seq'>): Promise<PeerAnswer> {
    try {
      const answer = await this.nc.request(
        this.subjectOf(writer),
        encoder.encode(`${commit.runId}@${commit.seq}`),
        { timeout: ASK_TIMEOUT_MS },
      );
      const state = decoder.decode(answer.data);
      return state === 'done' || state === 'working' ? state : 'unknown';
    } catch (err) {
      const code = (err as NatsError).code;
      if (code === ErrorCode.NoResponders) return 'gone';
      if (code === ErrorCode.Timeout) return 'unknown';
      throw err;
    }
  }

  stop(): void {
    this.sub?.unsubscribe();
  }

  private subjectOf(instance: string): string {
    return this.names.subject(`execution.reactions.${instance}`);
  }
}
