import type { TimerPurpose } from '@chainmail/contracts';
import { mergeTimerPlans, type TracedTimerPlan } from './timer-batch';
import { timerId } from './timer-plan';

const stepTimeout = (stepId: string, attempt = 1, visit = 1): TimerPurpose => ({
  kind: 'step-timeout',
  stepId,
  visit,
  attempt,
});
const runTimeout: TimerPurpose = { kind: 'run-timeout' };

function plan(runId: string, seq: number, parts: Partial<TracedTimerPlan> = {}): TracedTimerPlan {
  return { runId, seq, arm: [], disarm: [], disarmSteps: [], disarmRun: false, ...parts };
}
const arm = (runId: string, purpose: TimerPurpose, dueAtMs: number) => ({
  id: timerId(runId, purpose),
  purpose,
  dueAtMs,
});
const disarm = (runId: string, purpose: TimerPurpose) => ({ id: timerId(runId, purpose), purpose });

describe('mergeTimerPlans', () => {
  it('writes each arm once, with its trace context, and reports the earliest due time', () => {
    const batch = mergeTimerPlans([
      plan('a', 1, { arm: [arm('a', runTimeout, 9_000)], traceparent: 'tp-a' }),
      plan('b', 2, { arm: [arm('b', stepTimeout('s'), 4_000)] }),
    ]);
    expect(batch).toEqual({
      ends: [],
      stepDisarms: [],
      writes: [
        {
          id: 'a/run-timeout',
          runId: 'a',
          purpose: runTimeout,
          state: 'armed',
          dueAtMs: 9_000,
          seq: 1,
          traceparent: 'tp-a',
        },
        {
          id: 'b/step-timeout/s/1/1',
          runId: 'b',
          purpose: stepTimeout('s'),
          state: 'armed',
          dueAtMs: 4_000,
          seq: 2,
          traceparent: undefined,
        },
      ],
      earliestDueMs: 4_000,
    });
  });

  it('a disarm later in the batch leaves a tombstone, whatever order the plans come in', () => {
    const started = plan('a', 3, { arm: [arm('a', stepTimeout('s'), 5_000)] });
    const succeeded = plan('a', 4, { disarm: [disarm('a', stepTimeout('s'))] });
    for (const plans of [
      [started, succeeded],
      [succeeded, started],
    ]) {
      const batch = mergeTimerPlans(plans);
      expect(batch.writes).toEqual([
        { id: 'a/step-timeout/s/1/1', runId: 'a', purpose: stepTimeout('s'), state: 'disarmed', seq: 4 },
      ]);
      expect(batch.earliestDueMs).toBeUndefined();
    }
  });

  it('the same commit twice in a batch writes once', () => {
    const started = plan('a', 3, { arm: [arm('a', stepTimeout('s'), 5_000)] });
    expect(mergeTimerPlans([started, started]).writes).toHaveLength(1);
  });

  it('a run that ends in the batch writes nothing older than its end, only the end', () => {
    const batch = mergeTimerPlans([
      plan('a', 1, { arm: [arm('a', runTimeout, 9_000)] }),
      plan('b', 2, { arm: [arm('b', runTimeout, 7_000)] }),
      plan('a', 3, { arm: [arm('a', stepTimeout('s'), 5_000)], disarmSteps: [{ stepId: 'x', visit: 1 }] }),
      plan('a', 5, { disarmRun: true }),
    ]);
    expect(batch.ends).toEqual([{ runId: 'a', seq: 5 }]);
    expect(batch.stepDisarms).toEqual([]);
    expect(batch.writes.map((w) => w.id)).toEqual(['b/run-timeout']);
    expect(batch.earliestDueMs).toBe(7_000);
  });

  it('a commit after the end of its run (a rewind) still arms', () => {
    const batch = mergeTimerPlans([
      plan('a', 5, { disarmRun: true }),
      plan('a', 8, { arm: [arm('a', stepTimeout('s', 1, 2), 5_000)] }),
    ]);
    expect(batch.writes.map((w) => [w.id, w.state])).toEqual([['a/step-timeout/s/2/1', 'armed']]);
  });

  it("a later skip of a step turns the batch's arms of that visit into tombstones", () => {
    const batch = mergeTimerPlans([
      plan('a', 3, {
        arm: [
          arm('a', stepTimeout('s'), 5_000),
          arm('a', stepTimeout('s', 2), 5_000),
          arm('a', stepTimeout('s', 1, 2), 5_000),
          arm('a', runTimeout, 9_000),
        ],
      }),
      plan('a', 4, { disarmSteps: [{ stepId: 's', visit: 1 }] }),
    ]);
    expect(batch.stepDisarms).toEqual([{ runId: 'a', stepId: 's', visit: 1, seq: 4 }]);
    expect(batch.writes.map((w) => [w.id, w.state, w.seq])).toEqual([
      ['a/step-timeout/s/1/1', 'disarmed', 4],
      ['a/step-timeout/s/1/2', 'disarmed', 4],
      ['a/step-timeout/s/2/1', 'armed', 3],
      ['a/run-timeout', 'armed', 3],
    ]);
  });

  it('an earlier skip does not touch a later arm of the same step', () => {
    const batch = mergeTimerPlans([
      plan('a', 3, { disarmSteps: [{ stepId: 's', visit: 1 }] }),
      plan('a', 4, { arm: [arm('a', stepTimeout('s'), 5_000)] }),
    ]);
    expect(batch.writes.map((w) => w.state)).toEqual(['armed']);
  });
});
