import type { RetryPolicy } from '@chainmail/contracts';
import { retryDelayMs } from '@chainmail/engine';
import { spec, type Decided } from './testing/decider-specification';
import { cancel, complete, fire } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, failure } from './testing/run-script';

const backoff = definitionOf(`
name: backoff
steps:
  - id: call
    agent: flaky@
    timeout: 30s
    retry: { max: 3, backoff: exponential, delay: 1s, max_delay: 3s, jitter: false }
`);

const retryTimer = (attempt: number) => ({ kind: 'retry' as const, stepId: 'call', visit: 1, attempt });

/** The call's first attempt is running. */
const calling = () => {
  const h = new RunHistory(backoff);
  return spec(backoff).given([h.runStarted(), h.stepStarted('call')]);
};

/** The first attempt failed retryably; the timer for attempt 2 is armed. */
const waitingForAttempt2 = () => {
  const h = new RunHistory(backoff);
  return spec(backoff).given([
    h.runStarted(),
    h.stepStarted('call'),
    h.stepFailed('call', 'AGENT_FAILED', true),
    h.retryScheduled('call', 2, 1000),
  ]);
};

/** The retry was scheduled `delayMs` after the failure it follows. */
const expectDueAfter = (decided: Decided, delayMs: number): void => {
  const { dueAt } = decided.dataOf('StepRetryScheduled', 'call');
  expect(Date.parse(dueAt) - Date.parse(decided.events[0].at)).toBe(delayMs);
};

describe('retries', () => {
  it('a retryable failure waits for a durable timer, the delay doubling per attempt up to max_delay', () => {
    let decided = calling().when(complete('call', failure('AGENT_FAILED', true)));
    for (const [attempt, delayMs] of [
      [2, 1000],
      [3, 2000],
      [4, 3000],
    ]) {
      decided.then([
        'StepFailed:call',
        { type: 'StepRetryScheduled', data: { stepId: 'call', attempt, delayMs } },
      ]);
      expectDueAfter(decided, delayMs);
      decided = decided
        .and(fire(retryTimer(attempt)), Date.parse(decided.events[0].at) + delayMs)
        .then([{ type: 'StepStarted', data: { stepId: 'call', attempt, timeoutMs: 30_000 } }])
        .and(complete('call', failure('AGENT_FAILED', true), { attempt }));
    }
    decided.then(['StepFailed:call', 'RunFailed']).thenFails('AGENT_FAILED', 'call');
  });

  it('while the timer runs the step shows as failed and waiting, and the run as running', () => {
    const { state } = calling().when(complete('call', failure('AGENT_FAILED', true)));
    expect(state.steps['call']).toMatchObject({ status: 'failed', retry: { attempt: 2 } });
    expect(state.status).toBe('running');
  });

  it('a retry timer for another attempt, or one that already fired, decides nothing', () => {
    waitingForAttempt2()
      .when(fire(retryTimer(3)))
      .thenNothing();
    waitingForAttempt2()
      .when(fire(retryTimer(2)))
      .then(['StepStarted:call'])
      .and(fire(retryTimer(2)))
      .thenNothing();
  });

  it('a permanent error is not retried', () => {
    calling()
      .when(complete('call', failure('AGENT_BAD_INPUT', false)))
      .then(['StepFailed:call', 'RunFailed'])
      .thenFails('AGENT_BAD_INPUT');
  });

  it('the agent’s Retry-After is a floor of the delay, at most a day', () => {
    const retryAfter = (retryAfterMs: number): number => {
      const decided = calling()
        .when(
          complete('call', {
            ok: false,
            error: { code: 'AGENT_RATE_LIMITED', message: 'slow down', retryable: true, retryAfterMs },
            durationMs: 5,
          }),
        )
        .then(['StepFailed:call', 'StepRetryScheduled:call']);
      const { delayMs } = decided.dataOf('StepRetryScheduled', 'call');
      expectDueAfter(decided, delayMs);
      return delayMs;
    };
    expect(retryAfter(7_000)).toBe(7_000); // longer than the policy's 1s: the agent's wins
    expect(retryAfter(200)).toBe(1_000); // shorter: the policy's delay still applies
    expect(retryAfter(5 * 86_400_000)).toBe(86_400_000);
    expect(retryAfter(Number.NaN)).toBe(1_000);
  });

  it('a retry timer after the run was cancelled decides nothing', () => {
    waitingForAttempt2()
      .when(cancel())
      .then(['RunCancelled'])
      .and(fire(retryTimer(2)))
      .thenNothing();
  });
});

describe('retryDelayMs', () => {
  const policy: RetryPolicy = {
    max: 5,
    backoff: 'exponential',
    delayMs: 1000,
    maxDelayMs: 60_000,
    jitter: true,
  };
  const key = { runId: 'r', stepId: 's', visit: 1, attempt: 1 };

  it('jitters between half and all of the delay, the same way every time', () => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      const delay = retryDelayMs(policy, { ...key, attempt });
      const full = 1000 * 2 ** (attempt - 1);
      expect(delay).toBeGreaterThanOrEqual(full / 2);
      expect(delay).toBeLessThanOrEqual(full);
      expect(retryDelayMs(policy, { ...key, attempt })).toBe(delay);
    }
  });

  it('spreads runs apart', () => {
    const delays = new Set(
      Array.from({ length: 20 }, (_, i) => retryDelayMs(policy, { ...key, runId: `run-${i}` })),
    );
    expect(delays.size).toBeGreaterThan(10);
  });

  it('keeps a fixed delay fixed and caps an exponential one', () => {
    expect(retryDelayMs({ ...policy, backoff: 'fixed', jitter: false }, { ...key, attempt: 4 })).toBe(1000);
    expect(retryDelayMs({ ...policy, jitter: false }, { ...key, attempt: 40 })).toBe(60_000);
  });
});
