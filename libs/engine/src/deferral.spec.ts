import type { RunCommand } from '@chainmail/engine';
import { DEFER_MAX_MS, deferDelayMs } from '@chainmail/engine';
import { spec } from './testing/decider-specification';
import { cancel, complete, defer, fire } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, ok } from './testing/run-script';

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

const REASON = 'model@ is at its concurrency limit (1)';
const deferCall = (attempt = 1): RunCommand => defer('call', REASON, { attempt });
const resume = (deferral: number) => fire({ kind: 'resume', stepId: 'call', visit: 1, attempt: 1, deferral });

/** The call's first attempt has started. */
const calling = () => {
  const h = new RunHistory(busy);
  return spec(busy).given([h.runStarted(), h.stepStarted('call')]);
};

describe('deferred calls (an agent at its concurrency limit)', () => {
  it('a busy agent defers the attempt to a resume timer, keeping its number', () => {
    const deferred = calling()
      .when(deferCall())
      .then([{ type: 'StepDeferred', data: { stepId: 'call', attempt: 1, deferral: 1, reason: REASON } }]);
    const { delayMs, dueAt } = deferred.dataOf('StepDeferred', 'call');
    expect(Date.parse(dueAt) - Date.parse(deferred.events[0].at)).toBe(delayMs);
    expect(deferred.state.steps['call']).toMatchObject({
      status: 'running',
      attempt: 1,
      deferred: { deferral: 1 },
    });
  });

  it('the resume timer resumes the same attempt, whose result counts as usual', () => {
    const resumed = calling().when(deferCall()).and(resume(1)).then(['StepResumed:call']);
    expect(resumed.state.steps['call'].deferred).toBeUndefined();
    resumed
      .and(complete('call', ok('done')))
      .then([{ type: 'StepSucceeded', data: { stepId: 'call', attempt: 1 } }, 'StepStarted:after']);
  });

  it('each deferral of an attempt is numbered, so each has a timer of its own', () => {
    const waiting = calling().when(deferCall());
    waiting.and(deferCall()).thenNothing(); // already waiting
    const again = waiting
      .and(resume(1))
      .and(deferCall())
      .then([{ type: 'StepDeferred', data: { deferral: 2 } }]);
    again.and(resume(1)).thenNothing(); // the first timer again (a redelivery) is stale now
    again.and(resume(2)).then(['StepResumed:call']);
  });

  it('a deferred attempt still times out, and its resume timer then decides nothing', () => {
    const timedOut = calling()
      .when(deferCall())
      .and(fire({ kind: 'step-timeout', stepId: 'call', visit: 1, attempt: 1 }))
      .then(['StepFailed:call', 'StepRetryScheduled:call']);
    expect(timedOut.state.steps['call'].deferred).toBeUndefined();
    timedOut.and(resume(1)).thenNothing();
  });

  it('a deferral for a stale attempt, a finished step or a cancelled run decides nothing', () => {
    calling().when(deferCall(2)).thenNothing();
    calling()
      .when(complete('call', ok('done')))
      .and(deferCall())
      .thenNothing();
    calling().when(cancel()).and(deferCall()).thenNothing();
  });
});

describe('deferDelayMs', () => {
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
