import type { RetryPolicy } from '@chainmail/workflow-dsl';
import { retryDelayMs } from './retry-delay';
import { definitionOf, RunScript, trace } from './testing/run-script';

const backoff = definitionOf(`
name: backoff
steps:
  - id: call
    agent: flaky@
    timeout: 30s
    retry: { max: 3, backoff: exponential, delay: 1s, max_delay: 3s, jitter: false }
`);

describe('retries', () => {
  it('waits for a durable timer between attempts, doubling the delay up to max_delay', () => {
    const run = new RunScript(backoff);
    run.start();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      const events = run.fail('call', 'AGENT_FAILED', true);
      expect(trace(events)).toEqual(['StepFailed:call', 'StepRetryScheduled:call']);
      const scheduled = events[1].data as { attempt: number; delayMs: number; dueAt: string };
      expect(scheduled.attempt).toBe(attempt + 1);
      expect(Date.parse(scheduled.dueAt)).toBe(run.now + scheduled.delayMs);
      delays.push(scheduled.delayMs);
      const started = run.fire(
        { kind: 'retry', stepId: 'call', visit: 1, attempt: attempt + 1 },
        scheduled.delayMs,
      );
      expect(started[0].data).toMatchObject({ stepId: 'call', attempt: attempt + 1, timeoutMs: 30_000 });
    }
    expect(delays).toEqual([1000, 2000, 3000]);
    const last = run.fail('call', 'AGENT_FAILED', true);
    expect(trace(last)).toEqual(['StepFailed:call', 'RunFailed']);
  });

  it('shows the step as failed and waiting while the timer runs', () => {
    const run = new RunScript(backoff);
    run.start();
    run.fail('call', 'AGENT_FAILED', true);
    expect(run.step('call')).toMatchObject({ status: 'failed', retry: { attempt: 2 } });
    expect(run.state.status).toBe('running');
  });

  it('does nothing for a stale or duplicate retry timer', () => {
    const run = new RunScript(backoff);
    run.start();
    run.fail('call', 'AGENT_FAILED', true);
    expect(run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 3 })).toEqual([]);
    expect(run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 })).toHaveLength(1);
    expect(run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 })).toEqual([]);
  });

  it('does not retry a permanent error', () => {
    const run = new RunScript(backoff);
    run.start();
    expect(trace(run.fail('call', 'AGENT_BAD_INPUT', false))).toEqual(['StepFailed:call', 'RunFailed']);
  });

  it('waits at least as long as the agent\u2019s Retry-After, and at most a day for it', () => {
    const retryAfter = (retryAfterMs: number): number => {
      const run = new RunScript(backoff);
      run.start();
      const events = run.complete('call', {
        ok: false,
        error: { code: 'AGENT_RATE_LIMITED', message: 'slow down', retryable: true, retryAfterMs },
        durationMs: 5,
      });
      expect(trace(events)).toEqual(['StepFailed:call', 'StepRetryScheduled:call']);
      const scheduled = events[1].data as { delayMs: number; dueAt: string };
      expect(Date.parse(scheduled.dueAt)).toBe(run.now + scheduled.delayMs);
      return scheduled.delayMs;
    };
    expect(retryAfter(7_000)).toBe(7_000); // longer than the policy's 1s: the agent's wins
    expect(retryAfter(200)).toBe(1_000); // shorter: the policy's delay still applies
    expect(retryAfter(5 * 86_400_000)).toBe(86_400_000);
    expect(retryAfter(Number.NaN)).toBe(1_000);
  });

  it('ignores a retry timer after the run was cancelled', () => {
    const run = new RunScript(backoff);
    run.start();
    run.fail('call', 'AGENT_FAILED', true);
    run.cancel();
    expect(run.fire({ kind: 'retry', stepId: 'call', visit: 1, attempt: 2 })).toEqual([]);
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
