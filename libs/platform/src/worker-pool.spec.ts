import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { ChainmailError } from '@chainmail/contracts';
import { WorkerPool, WorkerTimeout, type WorkerJob } from './worker-pool';

// A compiled job, as `dist` has them: busy for `ms`, then says which thread it ran on.
const SPIN = `
const { threadId } = require('node:worker_threads');
exports.spin = (ms) => { const end = Date.now() + ms; while (Date.now() < end); return threadId; };
`;

describe('WorkerPool', () => {
  let dir: string;
  let job: WorkerJob<number, number>;
  let pool: WorkerPool;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'worker-pool-'));
    writeFileSync(join(dir, 'spin.js'), SPIN);
    job = { filename: join(dir, 'spin.js'), name: 'spin', inline: () => threadId, what: 'spinning' };
  });
  afterEach(() => pool?.close());
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const options = { threads: 1, queue: 1, timeoutMs: 2_000, idleMs: 1_000, maxHeapMb: 64 };

  it('runs a compiled job on a thread it starts on demand', async () => {
    pool = new WorkerPool(options);
    expect(pool.threads).toBe(0);
    const ranOn = await pool.run(job, 1);
    expect(ranOn).not.toBe(threadId);
    expect(pool.threads).toBe(1);
  });

  it('stops a task past its time budget, and goes on serving', async () => {
    pool = new WorkerPool({ ...options, timeoutMs: 300 });
    await expect(pool.run(job, 60_000)).rejects.toThrow(WorkerTimeout);
    await expect(pool.run(job, 60_000)).rejects.toThrow('spinning took longer than 300 ms');
    expect(await pool.run(job, 1)).not.toBe(threadId);
  });

  it("starts a task's time budget when it starts, not while it waits for a thread", async () => {
    pool = new WorkerPool({ ...options, timeoutMs: 1_500 });
    const [first, second] = await Promise.all([pool.run(job, 1_000), pool.run(job, 1_000)]);
    expect([first, second]).toEqual([expect.any(Number), expect.any(Number)]);
  });

  it('refuses a task when the queue is full (503), without waiting', async () => {
    pool = new WorkerPool({ ...options, queue: 1 });
    const running = pool.run(job, 500);
    const queued = pool.run(job, 1);
    const refused = await pool.run(job, 1).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(ChainmailError);
    expect((refused as ChainmailError).status).toBe(503);
    await Promise.all([running, queued]);
  });

  it('runs a job inline where its module is TypeScript (jest)', async () => {
    pool = new WorkerPool(options);
    const ts = { ...job, filename: join(dir, 'spin.ts') };
    expect(WorkerPool.threaded(ts)).toBe(false);
    expect(await pool.run(ts, 1)).toBe(threadId);
    expect(pool.threads).toBe(0);
  });
});
