import type { StoredRunCommit } from '@chainmail/contracts';
import { CommitReactions } from './commit-reactions';

const commit = (seq: number): StoredRunCommit => ({ runId: 'r1', prev: seq - 1, seq, events: [] });

/** A reaction that finishes when the test says so. */
function held(): {
  react: (c: StoredRunCommit) => Promise<void>;
  seen: number[];
  finish: (err?: Error) => void;
} {
  const seen: number[] = [];
  let finish: (err?: Error) => void = () => undefined;
  return {
    seen,
    finish: (err) => finish(err),
    react: (c) => {
      seen.push(c.seq);
      return new Promise<void>((resolve, reject) => (finish = (err) => (err ? reject(err) : resolve())));
    },
  };
}

describe('CommitReactions', () => {
  it("reacts once to a commit its writer reacted to, and the delivery waits for that reaction's end", async () => {
    const h = held();
    const reactions = new CommitReactions(h.react, () => undefined);
    reactions.appended(commit(1));
    let acked = false;
    const delivery = reactions.delivered(commit(1)).then(() => (acked = true));
    await new Promise((r) => setImmediate(r));
    expect(acked).toBe(false);
    h.finish();
    await delivery;
    expect(h.seen).toEqual([1]);
    // A redelivery (the ack was lost) finds the work done.
    await reactions.delivered(commit(1));
    expect(h.seen).toEqual([1]);
  });

  it('does not react again when the delivery came before the append was acknowledged', async () => {
    const h = held();
    const reactions = new CommitReactions(h.react, () => undefined);
    const delivery = reactions.delivered(commit(2));
    reactions.appended(commit(2));
    h.finish();
    await delivery;
    expect(h.seen).toEqual([2]);
  });

  it('reacts to a commit it did not write (another replica, or before a restart)', async () => {
    const seen: number[] = [];
    const reactions = new CommitReactions(
      async (c) => void seen.push(c.seq),
      () => undefined,
    );
    await reactions.delivered(commit(3));
    expect(seen).toEqual([3]);
    expect(reactions.has(commit(3))).toBe(true);
  });

  it('fails the delivery when the reaction failed, and the redelivery does the work again', async () => {
    const h = held();
    const errors: unknown[] = [];
    const reactions = new CommitReactions(h.react, (_c, err) => errors.push(err));
    reactions.appended(commit(4));
    const delivery = reactions.delivered(commit(4));
    h.finish(new Error('NATS unreachable'));
    await expect(delivery).rejects.toThrow('NATS unreachable');
    expect(errors).toHaveLength(1);
    expect(reactions.has(commit(4))).toBe(false);
    const again = reactions.delivered(commit(4));
    h.finish();
    await again;
    expect(h.seen).toEqual([4, 4]);
  });

  it('keeps at most `capacity` settled reactions', async () => {
    const reactions = new CommitReactions(
      async () => undefined,
      () => undefined,
      2,
    );
    for (const seq of [1, 2, 3]) await reactions.delivered(commit(seq));
    expect([1, 2, 3].map((seq) => reactions.has(commit(seq)))).toEqual([false, true, true]);
  });
});

describe('CommitReactions retention', () => {
  it('lets settled reactions go after `retainMs`, so runs that wait hold nothing here', async () => {
    let now = 0;
    const seen: number[] = [];
    const reactions = new CommitReactions(
      async (c) => void seen.push(c.seq),
      () => undefined,
      100,
      60_000,
      () => now,
    );
    await reactions.delivered(commit(1));
    now = 30_000;
    await reactions.delivered(commit(2));
    reactions.sweep();
    expect([1, 2].map((seq) => reactions.stateOf(commit(seq)))).toEqual(['done', 'done']);
    now = 61_000;
    reactions.sweep();
    expect([1, 2].map((seq) => reactions.stateOf(commit(seq)))).toEqual(['unknown', 'done']);
    // A redelivery that late reacts again: every reaction is idempotent.
    await reactions.delivered(commit(1));
    expect(seen).toEqual([1, 2, 1]);
  });
});
