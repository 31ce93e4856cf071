import type { StoredRunCommit } from '@chainmail/contracts';

/** What this process knows of its reaction to a commit: made, in hand, or none. */
export type ReactionState = 'done' | 'working' | 'unknown';

export type CommitReaction = (commit: StoredRunCommit, headers?: Record<string, string>) => Promise<void>;

/**
 * One reaction per commit in this process. The writer of a commit reacts to it at once, without
 * waiting for the stream to bring it back; the durable consumer still delivers it (for recovery
 * after a crash, and for commits written elsewhere), and that delivery then waits for the
 * reaction in hand instead of repeating it, so the commit is acknowledged only once its work is
 * in the log. A reaction that failed is forgotten: the redelivery does the work again.
 */
export class CommitReactions {
  /** Reactions by `<runId>@<seq>`, oldest first; kept once settled so a redelivery is a no-op. */
  private readonly reactions = new Map<string, Promise<void>>();
  private readonly settled = new Set<Promise<void>>();
  /** Settled reactions in the order they settled, with when: the oldest go first. */
  private readonly settledQueue: Array<{ key: string; reaction: Promise<void>; at: number }> = [];
  /** Index of the oldest entry of `settledQueue` still kept. */
  private head = 0;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly react: CommitReaction,
    private readonly onError: (commit: StoredRunCommit, err: unknown) => void,
    private readonly capacity = 20_000,
    /**
     * How long a settled reaction is kept: its delivery, a redelivery after a lost ack and a
     * peer's question all come within seconds. Not longer, so runs that wait (a checkpoint may
     * wait for days) hold nothing here.
     */
    private readonly retainMs = 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A commit this process just appended: its reaction starts now, unless a delivery beat it. */
  appended(commit: StoredRunCommit, headers?: Record<string, string>): void {
    const key = keyOf(commit);
    if (this.reactions.has(key)) return;
    const reaction = this.start(key, commit, headers);
    reaction.catch((err: unknown) => this.onError(commit, err));
  }

  /** A commit the consumer delivered: joins the reaction this process made, else makes it. */
  async delivered(commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    const key = keyOf(commit);
    await (this.reactions.get(key) ?? this.start(key, commit, headers));
  }

  /** The reaction this process made (or is making) to the commit, if any. */
  joined(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): Promise<void> | undefined {
    return this.reactions.get(keyOf(commit));
  }

  stateOf(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): ReactionState {
    const reaction = this.reactions.get(keyOf(commit));
    if (reaction === undefined) return 'unknown';
    return this.settled.has(reaction) ? 'done' : 'working';
  }

  /** Whether this process reacted (or is reacting) to the commit. */
  has(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): boolean {
    return this.reactions.has(keyOf(commit));
  }

  private start(key: string, commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    let reaction: Promise<void>;
    try {
      reaction = this.react(commit, headers);
    } catch (err) {
      reaction = Promise.reject(err);
    }
    this.reactions.set(key, reaction);
    this.sweep();
    if (this.reactions.size > this.capacity) {
      const oldest = this.reactions.keys().next().value;
      if (oldest !== undefined) {
        this.settled.delete(this.reactions.get(oldest) as Promise<void>);
        this.reactions.delete(oldest);
      }
    }
    reaction.then(
      () => {
        if (this.reactions.get(key) !== reaction) return;
        this.settled.add(reaction);
        this.settledQueue.push({ key, reaction, at: this.clock() });
        this.sweepLater();
      },
      () => {
        if (this.reactions.get(key) === reaction) this.reactions.delete(key);
      },
    );
    return reaction;
  }
  /** Drops settled reactions older than `retainMs`, and the oldest past `capacity`. */
  sweep(): void {
    const before = this.clock() - this.retainMs;
    const queue = this.settledQueue;
    while (this.head < queue.length) {
      const { key, reaction, at } = queue[this.head];
      if (at > before && queue.length - this.head <= this.capacity) break;
      this.head++;
      this.settled.delete(reaction);
      if (this.reactions.get(key) === reaction) this.reactions.delete(key);
    }
    // Compacted now and then, not on every drop: a sweep stays O(what it drops).
    if (this.head > 1024 && this.head * 2 > queue.length) {
      queue.splice(0, this.head);
      this.head = 0;
    }
  }

  /** One timer while anything settled is kept (none at all once idle and empty); never holds the process up. */
  private sweepLater(): void {
    if (this.sweeper !== undefined) return;
    this.sweeper = setTimeout(() => {
      this.sweeper = undefined;
      this.sweep();
      if (this.head < this.settledQueue.length) this.sweepLater();
    }, this.retainMs);
    this.sweeper.unref();
  }
}

function keyOf(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): string {
  return `${commit.runId}@${commit.seq}`;
}
