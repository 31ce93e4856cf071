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

/** Views that have the run only once the projector "reaches" it during a catch-up. */
function views(
  projectedAtFirst: boolean,
  reachedOnCatchUp: boolean,
): { views: RunViews; catchUps: string[] } {
  let projected = projectedAtFirst;
  const catchUps: string[] = [];
  const fake = {
    details: {
      get: async (id: string): Promise<RunDetail | null> =>
        projected && id === 'r1' ? (runRecordOf('r1', [started]) as unknown as RunDetail) : null,
    },
    catchUp: async (id: string) => {
      catchUps.push(id);
      projected ||= reachedOnCatchUp;
      return projected;
    },
  };
  return { views: fake as unknown as RunViews, catchUps };
}

describe('RunQueries', () => {
  it('answers from the views without waiting when they have the run', async () => {
    const { views: v, catchUps } = views(true, true);
    await expect(new RunQueries(v).run('r1')).resolves.toMatchObject({ id: 'r1', owner: 'user:alice' });
    expect(catchUps).toEqual([]);
  });

  it('waits for the projector to reach a run it has not seen yet (started a moment ago)', async () => {
    const { views: v, catchUps } = views(false, true);
    await expect(new RunQueries(v).run('r1')).resolves.toMatchObject({ id: 'r1', status: 'running' });
    expect(catchUps).toEqual(['r1']);
  });

  it('answers 404 for a run that never shows, and for another owner\u2019s run', async () => {
    const { views: never } = views(false, false);
    await expect(new RunQueries(never).run('r1')).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
    const { views: v } = views(true, true);
    await expect(new RunQueries(v).visibleRun(actor('bob'), 'r1', 'read')).rejects.toMatchObject({
      code: 'RUN_NOT_FOUND',
    });
    await expect(new RunQueries(v).visibleRun(actor('alice'), 'r1', 'read')).resolves.toMatchObject({
      id: 'r1',
    });
  });
});
