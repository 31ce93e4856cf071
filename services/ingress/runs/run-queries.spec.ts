import { makeRunEvent, type Actor, type StoredRunCommit } from '@chainmail/contracts';
import { runRecordOf, type RunDetail } from '@chainmail/persistence';
import { RunQueries } from './run-queries';
import type { RunViews } from './run-views';

const at = '2030-01-01T00:00:00.000Z';
const started: StoredRunCommit = {
  runId: 'r1',
  prev: 0,
  seq: 1,
  events: [
    makeRunEvent('RunStarted', 'r1', at, {
      workflow: 'digest',
      version: 1,
      inputs: {},
      trigger: { kind: 'api' },
      owner: 'user:alice',
      actor: 'alice',
      debug: false,
      commandId: 'c',
      timeoutMs: 60_000,
    }),
  ],
};
const actor = (userId: string): Actor => ({
  userId,
  name: userId,
  admin: false,
  teams: [],
  scopes: ['read', 'run'],
  tokenId: null,
  via: 'token',
  expiresAt: null,
});

/** Views that have the run (as `RunViews.detail` answers after its wait) or never do. */
function views(has: boolean): RunViews {
  const fake = {
    detail: async (id: string): Promise<RunDetail | null> =>
      has && id === 'r1' ? (runRecordOf('r1', [started]) as unknown as RunDetail) : null,
  };
  return fake as unknown as RunViews;
}

describe('RunQueries', () => {
  it('answers the run the views have', async () => {
    await expect(new RunQueries(views(true)).run('r1')).resolves.toMatchObject({
      id: 'r1',
      owner: 'user:alice',
      status: 'running',
    });
  });

  it('answers 404 for a run that never shows, and for another owner\u2019s run', async () => {
    await expect(new RunQueries(views(false)).run('r1')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    const v = views(true);
    await expect(new RunQueries(v).visibleRun(actor('bob'), 'r1', 'read')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    await expect(new RunQueries(v).visibleRun(actor('alice'), 'r1', 'read')).resolves.toMatchObject({
      id: 'r1',
    });
  });
});
