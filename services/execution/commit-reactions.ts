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

  constructor(
    private readonly react: CommitReaction,
    private readonly onError: (commit: StoredRunCommit, err: unknown) => void,
    private readonly capacity = 20_000,
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
    if (this.reactions.size > this.capacity) {
      const oldest = this.reactions.keys().next().value;
      if (oldest !== undefined) {
        this.settled.delete(this.reactions.get(oldest) as Promise<void>);
        this.reactions.delete(oldest);
      }
    }
    reaction.then(
      () => {
        if (this.reactions.get(key) === reaction) this.settled.add(reaction);
      },
      () => {
        if (this.reactions.get(key) === reaction) this.reactions.delete(key);
      },
    );
    return reaction;
  }
}

function keyOf(commit: Pick<StoredRunCommit, 'runId' | 'seq'>): string {
  return `${commit.runId}@${commit.seq}`;
}
