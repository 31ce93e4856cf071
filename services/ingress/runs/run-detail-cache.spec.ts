import type { RunDetail } from '@chainmail/persistence';
import { RunDetailCache } from './run-detail-cache';

const detail = (id: string, status: string): RunDetail => ({ id, status }) as unknown as RunDetail;

/** A view store whose reads the test answers one by one. */
class Views {
  status = 'running';
  reads = 0;
  private held: Array<() => void> = [];
  hold = false;

  load = (id: string): Promise<RunDetail | null> => {
    this.reads++;
    const answer = detail(id, this.status);
    if (!this.hold) return Promise.resolve(answer);
    return new Promise((resolve) => this.held.push(() => resolve(answer)));
  };

  release(): void {
    for (const answer of this.held.splice(0)) answer();
  }
}

describe('RunDetailCache', () => {
  let now = 0;
  const clock = (): number => now;
  beforeEach(() => (now = 1_000));

  it('answers polls of an unchanged run from one read, and reads again once the projector wrote it', async () => {
    const views = new Views();
    const cache = new RunDetailCache(views.load, clock);
    for (let i = 0; i < 5; i++) await expect(cache.get('r1')).resolves.toMatchObject({ status: 'running' });
    expect(views.reads).toBe(1);
    views.status = 'succeeded';
    cache.applied({ runs: { r1: 7 } });
    await expect(cache.get('r1')).resolves.toMatchObject({ status: 'succeeded' });
    expect(views.reads).toBe(2);
  });

  it('reads again after the maximum age even when no announcement came (they may be lost)', async () => {
    const views = new Views();
    const cache = new RunDetailCache(views.load, clock, 1_000);
    await cache.get('r1');
    views.status = 'succeeded';
    now += 999;
    await expect(cache.get('r1')).resolves.toMatchObject({ status: 'running' });
    now += 1;
    await expect(cache.get('r1')).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('does not keep a read that an announcement overtook: the next poll reads again', async () => {
    const views = new Views();
    const cache = new RunDetailCache(views.load, clock);
    views.hold = true;
    const first = cache.get('r1');
    // The projector writes while the read is on its way: the read may hold the older row.
    cache.applied({ runs: { r1: 3 } });
    views.release();
    await first;
    views.hold = false;
    views.status = 'succeeded';
    await expect(cache.get('r1')).resolves.toMatchObject({ status: 'succeeded' });
    expect(views.reads).toBe(2);
  });

  it('shares one read among concurrent polls of the same run', async () => {
    const views = new Views();
    const cache = new RunDetailCache(views.load, clock);
    views.hold = true;
    const polls = [cache.get('r1'), cache.get('r1'), cache.get('r1')];
    views.release();
    await Promise.all(polls);
    expect(views.reads).toBe(1);
  });

  it('does not remember that a run is missing: it may be projected at any moment', async () => {
    let reads = 0;
    const cache = new RunDetailCache(async () => (reads++, null), clock);
    await cache.get('r1');
    await cache.get('r1');
    expect(reads).toBe(2);
  });

  it('keeps at most its capacity, the oldest going first', async () => {
    const views = new Views();
    const cache = new RunDetailCache(views.load, clock, 1_000, 2);
    await cache.get('a');
    await cache.get('b');
    await cache.get('c');
    await cache.get('b');
    expect(views.reads).toBe(3);
    await cache.get('a');
    expect(views.reads).toBe(4);
  });
});
