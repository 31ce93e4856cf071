import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { RunOutcomeWaiter } from './run-outcome.waiter';

const at = '2030-01-01T00:00:00.000Z';
const step = makeRunEvent('StepStarted', 'r', at, {
  stepId: 's',
  visit: 1,
  attempt: 1,
  agent: 'a@',
  input: 'x',
});

/** A log whose follow yields these commits, then stays open until aborted (a live run). */
function logOf(...commits: RunEvent[][]): { follow: RunOutcomeWaiter['log']['follow'] } {
  return {
    follow: async function* (runId: string, options: { signal?: AbortSignal } = {}) {
      let seq = 0;
      for (const events of commits) yield { runId, prev: seq, seq: ++seq, events } as StoredRunCommit;
      await new Promise<void>((resolve) => {
        if (options.signal?.aborted === true) resolve();
        options.signal?.addEventListener('abort', () => resolve());
      });
    },
  };
}

describe('RunOutcomeWaiter', () => {
  it('answers with the terminal event\u2019s own output or error', async () => {
    const succeeded = makeRunEvent('RunSucceeded', 'r', at, { output: 'the report', durationMs: 5 });
    await expect(new RunOutcomeWaiter(logOf([step], [succeeded])).wait('r', 1_000)).resolves.toEqual({
      status: 'succeeded',
      output: 'the report',
    });
    const failed = makeRunEvent('RunFailed', 'r', at, {
      error: { code: 'STEP_FAILED', message: 'no', retryable: false, stepId: 's' },
      durationMs: 5,
    });
    await expect(new RunOutcomeWaiter(logOf([step], [failed])).wait('r', 1_000)).resolves.toEqual({
      status: 'failed',
      error: { code: 'STEP_FAILED', message: 'no', stepId: 's' },
    });
    const timedOut = makeRunEvent('RunTimedOut', 'r', at, { timeoutMs: 10, durationMs: 11 });
    await expect(new RunOutcomeWaiter(logOf([timedOut])).wait('r', 1_000)).resolves.toMatchObject({
      status: 'failed',
      error: { code: 'RUN_TIMEOUT' },
    });
    const cancelled = makeRunEvent('RunCancelled', 'r', at, { by: 'u', reason: 'enough', durationMs: 1 });
    await expect(new RunOutcomeWaiter(logOf([cancelled])).wait('r', 1_000)).resolves.toEqual({
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', message: 'enough', stepId: undefined },
    });
  });

  it('answers running when the run does not end within the wait, or the caller hangs up', async () => {
    await expect(new RunOutcomeWaiter(logOf([step])).wait('r', 30)).resolves.toEqual({ status: 'running' });
    const hangUp = new AbortController();
    const waiting = new RunOutcomeWaiter(logOf([step])).wait('r', 60_000, hangUp.signal);
    hangUp.abort();
    await expect(waiting).resolves.toEqual({ status: 'running' });
  });
});
