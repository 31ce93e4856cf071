import { makeRunEvent, type RunEvent } from '@chainmail/contracts';
import { runEndOf, type RunEnd } from '@chainmail/persistence';
import type { RunEndListener } from './run-end-feed';
import { RunOutcomeWaiter, type RunEnds } from './run-outcome.waiter';

const at = '2030-01-01T00:00:00.000Z';

/** Ends heard live (`commit`) and ends the read model has (`view`), for one run 'r'. */
class FakeEnds implements RunEnds {
  readonly listeners = new Set<RunEndListener>();
  view: RunEnd | null = null;
  viewReads = 0;

  listen(_runId: string, listener: RunEndListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async current(): Promise<RunEnd | null> {
    this.viewReads++;
    return this.view;
  }

  commit(event: RunEvent): void {
    const end = runEndOf(event);
    if (end) for (const listener of [...this.listeners]) listener(end);
  }
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RunOutcomeWaiter', () => {
  it('answers with the terminal event\u2019s own output or error, as it is committed', async () => {
    const cases: [RunEvent, unknown][] = [
      [
        makeRunEvent('RunSucceeded', 'r', at, { output: 'the report', durationMs: 5 }),
        { status: 'succeeded', output: 'the report' },
      ],
      [
        makeRunEvent('RunFailed', 'r', at, {
          error: { code: 'STEP_FAILED', message: 'no', retryable: false, stepId: 's' },
          durationMs: 5,
        }),
        { status: 'failed', error: { code: 'STEP_FAILED', message: 'no', stepId: 's' } },
      ],
      [
        makeRunEvent('RunTimedOut', 'r', at, { timeoutMs: 10, durationMs: 11 }),
        { status: 'failed', error: { code: 'RUN_TIMEOUT', message: expect.any(String), stepId: undefined } },
      ],
      [
        makeRunEvent('RunCancelled', 'r', at, { by: 'u', reason: 'enough', durationMs: 1 }),
        { status: 'cancelled', error: { code: 'RUN_CANCELLED', message: 'enough', stepId: undefined } },
      ],
    ];
    for (const [event, outcome] of cases) {
      const ends = new FakeEnds();
      const waiting = new RunOutcomeWaiter(ends).wait('r', 60_000);
      await tick();
      ends.commit(event);
      await expect(waiting).resolves.toEqual(outcome);
      expect(ends.listeners.size).toBe(0);
    }
  });

  it('answers at once for a run the read model already has ended (it ended before the wait began)', async () => {
    const ends = new FakeEnds();
    ends.view = { status: 'succeeded', output: 'done earlier', durationMs: 3 };
    await expect(new RunOutcomeWaiter(ends).wait('r', 60_000)).resolves.toEqual({
      status: 'succeeded',
      output: 'done earlier',
    });
    expect(ends.listeners.size).toBe(0);
  });

  it('asks the read model again at the deadline: an end this process did not hear of still answers', async () => {
    const ends = new FakeEnds();
    const waiting = new RunOutcomeWaiter(ends).wait('r', 30);
    await tick();
    ends.view = { status: 'succeeded', output: 'heard of late', durationMs: 3 };
    await expect(waiting).resolves.toEqual({ status: 'succeeded', output: 'heard of late' });
    expect(ends.viewReads).toBe(2);
  });

  it('answers running when the run does not end within the wait, or the caller hangs up', async () => {
    const ends = new FakeEnds();
    await expect(new RunOutcomeWaiter(ends).wait('r', 30)).resolves.toEqual({ status: 'running' });
    const hangUp = new AbortController();
    const waiting = new RunOutcomeWaiter(ends).wait('r', 60_000, hangUp.signal);
    hangUp.abort();
    await expect(waiting).resolves.toEqual({ status: 'running' });
    expect(ends.listeners.size).toBe(0);
  });

  it('spares the first read for a fresh run (its id made for this request): its end can only come by the feed', async () => {
    const ends = new FakeEnds();
    const waiting = new RunOutcomeWaiter(ends).wait('r', 60_000, undefined, { fresh: true });
    await tick();
    expect(ends.viewReads).toBe(0);
    ends.commit(makeRunEvent('RunSucceeded', 'r', at, { output: 'fresh', durationMs: 1 }));
    await expect(waiting).resolves.toEqual({ status: 'succeeded', output: 'fresh' });
    expect(ends.viewReads).toBe(0);
  });
});
