import { ProjectionWatermark, type RunDetail, type RunReadRepository } from '@chainmail/persistence';
import type { Msg, NatsConnection } from 'nats';
import { RunViews } from './run-views';

/** A NATS connection that only takes the watermark's subscription, and lets the test announce. */
function fakeConnection(): { nc: NatsConnection; announce: (runs: Record<string, number>) => void } {
  let deliver: ((err: null, msg: Msg) => void) | undefined;
  const nc = {
    isClosed: () => false,
    subscribe: (_subject: string, opts: { callback: (err: null, msg: Msg) => void }) => {
      deliver = opts.callback;
      return { unsubscribe: () => undefined };
    },
  };
  const announce = (runs: Record<string, number>): void =>
    deliver?.(null, { data: new TextEncoder().encode(JSON.stringify({ runs })) } as Msg);
  return { nc: nc as unknown as NatsConnection, announce };
}

/** Views that hold `r1` once `project()` is called, counting their reads. */
function views(): { reads: RunReadRepository; project: () => void; readCount: () => number } {
  let projected = false;
  let count = 0;
  const reads = {
    findRun: async (id: string): Promise<RunDetail | null> => {
      count++;
      return projected && id === 'r1' ? ({ id: 'r1', status: 'succeeded' } as RunDetail) : null;
    },
  };
  return {
    reads: reads as unknown as RunReadRepository,
    project: () => (projected = true),
    readCount: () => count,
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RunViews.detail', () => {
  const log = {
    lastSequence: (): Promise<number> => {
      throw new Error('the log is not asked for a run detail');
    },
  };

  it('reads the run at once when the views have it', async () => {
    const { nc } = fakeConnection();
    const v = views();
    v.project();
    const runViews = new RunViews(v.reads, new ProjectionWatermark(nc, 'applied', async () => 0), log, 2_000);
    await expect(runViews.detail('r1')).resolves.toMatchObject({ id: 'r1' });
    expect(v.readCount()).toBe(1);
  });

  it('answers a run just started once the projector announces it, reading the views twice', async () => {
    const { nc, announce } = fakeConnection();
    const v = views();
    const runViews = new RunViews(v.reads, new ProjectionWatermark(nc, 'applied', async () => 0), log, 2_000);
    const answer = runViews.detail('r1');
    await tick();
    expect(v.readCount()).toBe(1);
    v.project();
    announce({ r1: 1 });
    await expect(answer).resolves.toMatchObject({ id: 'r1', status: 'succeeded' });
    expect(v.readCount()).toBe(2);
  });

  it('is null for a run the views never get, after the wait', async () => {
    const { nc } = fakeConnection();
    const v = views();
    const runViews = new RunViews(v.reads, new ProjectionWatermark(nc, 'applied', async () => 0), log, 20);
    await expect(runViews.detail('r1')).resolves.toBeNull();
    // Once at first, once at the deadline (an announcement may have been lost).
    expect(v.readCount()).toBe(2);
  });
});
