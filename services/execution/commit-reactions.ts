import { BoundedMap, type StoredRunCommit } from '@chainmail/contracts';

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
  /**
   * Reactions by `<runId>@<seq>`, oldest first. A settled one is kept as the shared `SETTLED`, so
   * a redelivery is a no-op and what stays behind is the key alone, not the reaction's promise.
   */
  private readonly reactions: BoundedMap<string, Promise<void>>;
  /** Keys of settled reactions in the order they settled, with when; the oldest go first. */
  private readonly settledKeys: string[] = [];
  private readonly settledAt: number[] = [];
  /** Index of the oldest settled key still kept. */
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
  ) {
    this.reactions = new BoundedMap(capacity);
  }

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
    return reaction === SETTLED ? 'done' : 'working';
  }

  /** Whether this process reacted (or is reacting) to the commit. */
  has(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): boolean {
    return this.reactions.has(keyOf(commit));
  }

  /** Drops settled reactions older than `retainMs`, and the oldest past `capacity`. */
  sweep(): void {
    const before = this.clock() - this.retainMs;
    while (this.head < this.settledKeys.length) {
      const kept = this.settledKeys.length - this.head;
      if (this.settledAt[this.head] > before && kept <= this.capacity) break;
      const key = this.settledKeys[this.head++];
      if (this.reactions.get(key) === SETTLED) this.reactions.delete(key);
    }
    // Compacted now and then, not on every drop: a sweep costs what it drops.
    if (this.head > 1024 && this.head * 2 > this.settledKeys.length) {
      this.settledKeys.splice(0, this.head);
      this.settledAt.splice(0, this.head);
      this.head = 0;
    }
  }

  private start(key: string, commit: StoredRunCommit, headers?: Record<string, string>): Promise<void> {
    let reaction: Promise<void>;
    try {
      reaction = this.react(commit, headers);
    } catch (err) {
      reaction = Promise.reject(err);
    }
    // Settled reactions past their time go before the oldest reaction is dropped for room.
    this.sweep();
    this.reactions.set(key, reaction);
    reaction.then(
      () => {
        if (this.reactions.get(key) !== reaction) return;
        this.reactions.set(key, SETTLED);
        this.settledKeys.push(key);
        this.settledAt.push(this.clock());
        this.sweepLater();
      },
      () => {
        if (this.reactions.get(key) === reaction) this.reactions.delete(key);
      },
    );
    return reaction;
  }

  /**
   * One timer, for when the oldest settled reaction is due to go, while any is kept: once they
   * are all gone, an idle process has none. Never holds the process up.
   */
  private sweepLater(): void {
    if (this.sweeper !== undefined || this.head >= this.settledKeys.length) return;
    const dueIn = this.settledAt[this.head] + this.retainMs - this.clock();
    this.sweeper = setTimeout(
      () => {
        this.sweeper = undefined;
        this.sweep();
        this.sweepLater();
      },
      Math.max(1_000, dueIn),
    );
    this.sweeper.unref();
  }
}

/** What a settled reaction is kept as: joining it returns at once. */
const SETTLED: Promise<void> = Promise.resolve();

function keyOf(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): string {
  return `${commit.runId}@${commit.seq}`;
}
