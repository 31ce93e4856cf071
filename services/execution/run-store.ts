import { BoundedMap, type RunCommit, type StoredRunCommit } from '@chainmail/contracts';
import { evolveAll, foldCommits, initialRunState, type Decided, type RunState } from '@chainmail/engine';

/** Where a run's commits live; the event log in production, an array in unit tests. */
export interface RunLogPort {
  read(runId: string): Promise<StoredRunCommit[]>;
  append(
    commit: RunCommit,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<{ seq: number; duplicate: boolean }>;
}

export interface LoadedRun {
  state: RunState;
  /** Stream sequence of the last commit folded into `state` (0: the run has no events yet). */
  seq: number;
}

/** Told of each commit this process appended, as soon as the log has it (with the run's state after it). */
export type AppendListener = (
  commit: StoredRunCommit,
  headers: Record<string, string> | undefined,
  state: RunState,
) => void;

/**
 * Hot runs with their last sequence, so a step costs one append and no reread of the log.
 * The log stays the truth: a miss, or a commit the cache has not seen, reloads from it.
 */

export class RunStore {
  private readonly hot: BoundedMap<string, LoadedRun>;
  private readonly listeners: AppendListener[] = [];

  constructor(
    private readonly log: RunLogPort,
    capacity = 10_000,
    /** Put on every append (which process wrote the commit). */
    private readonly appendHeaders: Record<string, string> = {},
  ) {
    this.hot = new BoundedMap(capacity);
  }

  /** Whether `load` would answer from the cache (which may be behind the log). */
  isCached(runId: string): boolean {
    return this.hot.has(runId);
  }

  /** Reacting to one's own commits at once saves waiting for the stream to bring them back. */
  onAppended(listener: AppendListener): void {
    this.listeners.push(listener);
  }

  async load(runId: string): Promise<LoadedRun> {
    const cached = this.hot.get(runId);
    if (cached) return cached;
    return this.reload(runId);
  }

  /**
   * A run taken to have no commits yet, without reading the log (an append with `prev = 0` checks
   * it). Cached, so that its first commit, delivered before the append's ack, folds in unread.
   */
  unstarted(runId: string): LoadedRun {
    const loaded = { state: initialRunState(runId), seq: 0 };
    this.remember(runId, loaded);
    return loaded;
  }

  async reload(runId: string): Promise<LoadedRun> {
    const commits = await this.log.read(runId);
    const loaded: LoadedRun = {
      state: foldCommits(runId, commits),
      seq: commits.length > 0 ? commits[commits.length - 1].seq : 0,
    };
    this.remember(runId, loaded);
    return loaded;
  }

  /** The state as of a delivered commit: folds it in when it follows the cache, else rereads. */
  async observe(commit: StoredRunCommit): Promise<LoadedRun> {
    const cached = this.hot.get(commit.runId);
    if (cached && cached.seq >= commit.seq) return cached;
    if (cached && cached.seq === commit.prev) {
      const loaded = { state: evolveAll(cached.state, commit.events), seq: commit.seq };
      this.remember(commit.runId, loaded);
      return loaded;
    }
    return this.reload(commit.runId);
  }

  /**
   * Appends `decided.events` after `loaded.seq`, `decided.state` being the state they lead to (the
   * decision folded them already: not folded again here); throws the log's conflict error when
   * another writer won.
   */
  async append(
    loaded: LoadedRun,
    decided: Decided,
    msgId: string,
    headers?: Record<string, string>,
  ): Promise<LoadedRun> {
    const runId = loaded.state.runId;
    const events = decided.events;
    try {
      const { seq, duplicate } = await this.log.append({ runId, prev: loaded.seq, events }, msgId, {
        ...headers,
        ...this.appendHeaders,
      });
      // Another writer already stored this very decision: take the log's version of it.
      if (duplicate) return this.reload(runId);
      // The consumer may have delivered this commit, and what followed it, before the ack came.
      // Not cached any more: a reaction to that delivery let the run go (it parked, or ended),
      // or it was evicted; either way it is not brought back (the log is the truth).
      const cached = this.hot.get(runId);
      // The delivery folded this very commit already (it usually beats the ack): not folded twice.
      const next = cached?.seq === seq ? cached : { state: decided.state, seq };
      if (cached !== undefined && cached.seq < seq) this.remember(runId, next);
      const stored = { runId, prev: loaded.seq, events, seq };
      for (const listener of this.listeners) listener(stored, headers, next.state);
      return next;
    } catch (err) {
      this.hot.delete(runId);
      throw err;
    }
  }

  forget(runId: string): void {
    this.hot.delete(runId);
  }

  private remember(runId: string, loaded: LoadedRun): void {
    this.hot.setNewest(runId, loaded);
  }
}
