import { createDataSource } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { RateLimitStore } from './rate-limit.store';
import { RequestLimiter } from './request-limiter';

/**
 * The rate limiter of two replicas on one Postgres, on a clock the test moves: counted in memory,
 * shared at each sync, `Retry-After` to the end of the window the replicas share.
 */

let db: TestDatabase;
let ds: DataSource;
let t = Date.now();
const now = () => t;

beforeAll(async () => {
  db = await createTestDatabase('limits');
  ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const replica = (perMinute: number, source: DataSource = ds) =>
  new RequestLimiter(new RateLimitStore(source), perMinute, 1_000, now);

async function takeMany(limiter: RequestLimiter, key: string, n: number): Promise<boolean[]> {
  const allowed: boolean[] = [];
  for (let i = 0; i < n; i++) allowed.push((await limiter.take(key)).allowed);
  return allowed;
}

it('refuses past the limit with the seconds left in the window, and starts a new window after it', async () => {
  const one = replica(3);
  expect(await takeMany(one, 'token:a', 3)).toEqual([true, true, true]);
  t += 20_500;
  expect(await one.take('token:a')).toEqual({ allowed: false, retryAfterSeconds: 40 });
  t += 39_500;
  expect(await one.take('token:a')).toEqual({ allowed: true });
});

it('shares the budget at each sync: counts of both replicas add up, and the window is the first one', async () => {
  const a = replica(10);
  const b = replica(10);
  expect(await takeMany(a, 'token:shared', 4)).toEqual(Array(4).fill(true));
  await a.sync();
  t += 5_000;
  // B's first request of the key reads the shared count once: 4 spent, in A's window.
  expect(await takeMany(b, 'token:shared', 6)).toEqual(Array(6).fill(true));
  expect(await b.take('token:shared')).toEqual({ allowed: false, retryAfterSeconds: 55 });
  // A has not heard of B's six yet: that is the approximation, until the next sync.
  expect(await a.take('token:shared')).toEqual({ allowed: true });
  await b.sync();
  await a.sync();
  expect(await a.take('token:shared')).toEqual({ allowed: false, retryAfterSeconds: 55 });
  const [row] = await ds.query(`SELECT points FROM rate_limits WHERE key = 'api:token:shared'`);
  expect(row.points).toBe(11);
});

it('counts on alone when Postgres does not answer', async () => {
  const broken = await createDataSource(db.url, { poolSize: 1 });
  const alone = replica(2, broken);
  await broken.destroy();
  expect(await takeMany(alone, 'token:alone', 3)).toEqual([true, true, false]);
  await expect(alone.sync()).resolves.toBeUndefined();
  expect(await alone.take('token:alone')).toMatchObject({ allowed: false });
});

it('writes what it counted when it stops, for the replicas that go on', async () => {
  const leaving = replica(5);
  const staying = replica(5);
  expect(await takeMany(leaving, 'token:handover', 5)).toEqual(Array(5).fill(true));
  await leaving.onModuleDestroy();
  expect(await staying.take('token:handover')).toMatchObject({ allowed: false });
});
