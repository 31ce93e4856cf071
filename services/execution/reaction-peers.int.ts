import type { StoredRunCommit } from '@chainmail/contracts';
import { isolatedEventLog, type IsolatedEventLog } from '@chainmail/testing';
import { CommitReactions } from './commit-reactions';
import { ReactionPeers } from './reaction-peers';

const commit = (seq: number): StoredRunCommit => ({ runId: 'r1', prev: seq - 1, seq, events: [] });

describe('ReactionPeers', () => {
  let env: IsolatedEventLog;

  beforeAll(async () => {
    env = await isolatedEventLog();
  });
  afterAll(() => env.cleanup());

  it("tells another replica whether the writer's reaction to a commit is done, in hand, or unknown", async () => {
    let finish: () => void = () => undefined;
    const writerReactions = new CommitReactions(
      (c) => (c.seq === 2 ? new Promise<void>((resolve) => (finish = resolve)) : Promise.resolve()),
      () => undefined,
    );
    const writer = new ReactionPeers(env.nc, env.names, 'writer', writerReactions);
    const other = new ReactionPeers(
      env.nc,
      env.names,
      'other',
      new CommitReactions(
        async () => undefined,
        () => undefined,
      ),
    );
    writer.serve();
    try {
      writerReactions.appended(commit(1));
      writerReactions.appended(commit(2));
      await new Promise((r) => setImmediate(r));
      expect(await other.ask('writer', commit(1))).toBe('done');
      expect(await other.ask('writer', commit(2))).toBe('working');
      expect(await other.ask('writer', commit(3))).toBe('unknown');
      finish();
      await new Promise((r) => setImmediate(r));
      expect(await other.ask('writer', commit(2))).toBe('done');
    } finally {
      writer.stop();
    }
  });

  it('finds a writer that is no longer running gone at once (no responders)', async () => {
    const other = new ReactionPeers(
      env.nc,
      env.names,
      'other',
      new CommitReactions(
        async () => undefined,
        () => undefined,
      ),
    );
    // A timeout would answer 'unknown': 'gone' is the server saying nobody listens.
    expect(await other.ask('died-long-ago', commit(1))).toBe('gone');
  });
});
