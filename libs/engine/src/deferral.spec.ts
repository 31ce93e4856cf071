import { DEFER_MAX_MS, deferDelayMs } from './deferral';
import { definitionOf, ok, RunScript, trace } from './testing/run-script';

const busy = definitionOf(`
name: busy
steps:
  - id: call
    agent: model@
    timeout: 1m
    retry: { max: 2, delay: 1s }
  - id: after
    agent: echo@
    input: "{{ call.output }}"
`);

const defer = (run: RunScript, attempt = 1) =>
  run.when({
    type: 'DeferStep',
    data: { stepId: 'call', visit: 1, attempt, reason: 'model@ is at its concurrency limit (1)' },
  });

describe('deferred calls (an agent at its concurrency limit)', () => {
  it('waits for a resume timer without using up an attempt, then resumes the same attempt', () => {
    const run = new RunScript(busy);
    run.start();
    const deferred = defer(run);
    expect(trace(deferred)).toEqual(['StepDeferred:call']);
    const data = deferred[0].data as { deferral: number; delayMs: number; dueAt: string; attempt: number };
    expect(data).toMatchObject({ attempt: 1, deferral: 1, reason: 'model@ is at its concurrency limit (1)' });
    expect(Date.parse(data.dueAt)).toBe(run.now + data.delayMs);
    expect(run.step('call')).toMatchObject({ status: 'running', attempt: 1, deferred: { deferral: 1 } });

    const resumed = run.fire(
      { kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral: 1 },
      data.delayMs,
    );
    expect(trace(resumed)).toEqual(['StepResumed:call']);
    expect(run.step('call').deferred).toBeUndefined();
    expect(trace(run.complete('call', ok('done')))).toEqual(['StepSucceeded:call', 'StepStarted:after']);
    expect(run.step('call').attempt).toBe(1);
  });

  it('numbers each deferral of an attempt, so each has a timer of its own', () => {
    const run = new RunScript(busy);
    run.start();
    defer(run);
    expect(defer(run)).toEqual([]); // already waiting
    run.fire({ kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral: 1 });
    expect(defer(run)[0].data).toMatchObject({ deferral: 2 });
    // The first timer again (a redelivery) is stale now.
    expect(run.fire({ kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral: 1 })).toEqual([]);
    expect(trace(run.fire({ kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral: 2 }))).toEqual([
      'StepResumed:call',
    ]);
  });

  it('still times out while waiting, and ignores the resume timer afterwards', () => {
    const run = new RunScript(busy);
    run.start();
    defer(run);
    const timedOut = run.fire({ kind: 'step-timeout', stepId: 'call', visit: 1, attempt: 1 }, 60_000);
    expect(trace(timedOut)).toEqual(['StepFailed:call', 'StepRetryScheduled:call']);
    expect(run.step('call').deferred).toBeUndefined();
    expect(run.fire({ kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral: 1 })).toEqual([]);
  });

  it('defers nothing for a stale attempt, a finished step or a cancelled run', () => {
    const run = new RunScript(busy);
    run.start();
    expect(defer(run, 2)).toEqual([]);
    run.complete('call', ok('done'));
    expect(defer(run)).toEqual([]);
    const cancelled = new RunScript(busy, 'run-2');
    cancelled.start();
    cancelled.cancel();
    expect(defer(cancelled)).toEqual([]);
  });

  it('backs off from 250 ms to at most 5 s, jittered the same way every time', () => {
    const key = { stepId: 'call', visit: 1, attempt: 1 };
    const delays = [1, 2, 3, 4, 5, 6, 10].map((n) => deferDelayMs('r', key, n));
    expect(delays[0]).toBeGreaterThanOrEqual(125);
    expect(delays[0]).toBeLessThanOrEqual(250);
    for (const delay of delays) expect(delay).toBeLessThanOrEqual(DEFER_MAX_MS);
    expect(delays[6]).toBeGreaterThanOrEqual(DEFER_MAX_MS / 2);
    expect(deferDelayMs('r', key, 3)).toBe(delays[2]);
  });
});
