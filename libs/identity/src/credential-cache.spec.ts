import { CredentialCache } from './credential-cache';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

describe('CredentialCache', () => {
  it('reuses a value for the TTL, then loads it again', async () => {
    const time = clock();
    const cache = new CredentialCache<string>({ ttlMs: 3_000, now: time.now });
    let loads = 0;
    const load = async () => `v${++loads}`;
    expect(await cache.get('k', load)).toBe('v1');
    time.advance(2_999);
    expect(await cache.get('k', load)).toBe('v1');
    time.advance(1);
    expect(await cache.get('k', load)).toBe('v2');
  });

  it('keeps an entry no longer than the credential itself lives', async () => {
    const time = clock();
    const cache = new CredentialCache<{ until: number }>({ ttlMs: 3_000, now: time.now });
    let loads = 0;
    const load = async () => ({ until: time.now() + 500, n: ++loads });
    await cache.get('k', load, (v) => v.until);
    time.advance(499);
    await cache.get('k', load, (v) => v.until);
    expect(loads).toBe(1);
    time.advance(1);
    await cache.get('k', load, (v) => v.until);
    expect(loads).toBe(2);
  });

  it('shares one load between concurrent misses, and caches no failure', async () => {
    const cache = new CredentialCache<string>();
    let loads = 0;
    let fail = true;
    const load = async () => {
      loads++;
      await new Promise((r) => setTimeout(r, 10));
      if (fail) throw new Error('not valid');
      return 'ok';
    };
    const results = await Promise.allSettled([cache.get('k', load), cache.get('k', load)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(loads).toBe(1);
    fail = false;
    expect(await cache.get('k', load)).toBe('ok');
    expect(loads).toBe(2);
  });

  it('holds at most maxEntries, dropping the oldest first', async () => {
    const cache = new CredentialCache<string>({ maxEntries: 2 });
    let loads = 0;
    const load = (v: string) => async () => {
      loads++;
      return v;
    };
    await cache.get('a', load('a'));
    await cache.get('b', load('b'));
    await cache.get('c', load('c'));
    expect(cache.size).toBe(2);
    await cache.get('c', load('c'));
    await cache.get('b', load('b'));
    expect(loads).toBe(3);
    await cache.get('a', load('a'));
    expect(loads).toBe(4);
  });

  it('invalidate() drops every entry, and does not store what a load under way then returns', async () => {
    const cache = new CredentialCache<string>();
    await cache.get('k', async () => 'before');
    cache.invalidate();
    expect(cache.size).toBe(0);
    let release!: (v: string) => void;
    const slow = cache.get('k', () => new Promise<string>((r) => (release = r)));
    cache.invalidate();
    release('read before the change');
    expect(await slow).toBe('read before the change');
    expect(await cache.get('k', async () => 'after')).toBe('after');
  });

  it('refuses a TTL or bound that is not positive', () => {
    expect(() => new CredentialCache({ ttlMs: 0 })).toThrow(/ttlMs > 0/);
    expect(() => new CredentialCache({ maxEntries: -1 })).toThrow(/maxEntries > 0/);
  });
});
