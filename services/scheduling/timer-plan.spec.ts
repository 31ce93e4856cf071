import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { planTimers, timerId } from './timer-plan';

const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const at = (ms = 0): string => new Date(T0 + ms).toISOString();

const started = (timeoutMs: number): RunEvent =>
  makeRunEvent('RunStarted', 'r1', at(), {
    workflow: 'digest',
    version: 1,
    inputs: {},
    trigger: { kind: 'api' },
    owner: 'team',
    actor: 'alice',
    debug: false,
    commandId: 'c1',
    timeoutMs,
  });
const stepStarted = (stepId: string, attempt = 1, timeoutMs?: number, visit = 1): RunEvent =>
  makeRunEvent('StepStarted', 'r1', at(10), { stepId, visit, attempt, timeoutMs });
const stepSucceeded = (stepId: string, attempt = 1, visit = 1): RunEvent =>
  makeRunEvent('StepSucceeded', 'r1', at(20), { stepId, visit, attempt, output: 'ok', durationMs: 10 });
const stepFailed = (stepId: string, attempt = 1, visit = 1): RunEvent =>
  makeRunEvent('StepFailed', 'r1', at(20), {
    stepId,
    visit,
    attempt,
    error: { code: 'AGENT_ERROR', message: 'no', retryable: true },
    durationMs: 10,
  });
const retryScheduled = (stepId: string, attempt: number, dueAt: string, delayMs = 500): RunEvent =>
  makeRunEvent('StepRetryScheduled', 'r1', at(20), { stepId, visit: 1, attempt, dueAt, delayMs });
const skipped = (stepId: string, visit = 1): RunEvent =>
  makeRunEvent('StepSkipped', 'r1', at(30), { stepId, visit, reason: 'condition false' });

const commit = (seq: number, ...events: RunEvent[]): StoredRunCommit => ({
  runId: 'r1',
  prev: seq - 1,
  seq,
  events,
});

describe('timerId', () => {
  it('is derived from the run and the purpose alone', () => {
    expect(timerId('r1', { kind: 'run-timeout' })).toBe('r1/run-timeout');
    expect(timerId('r1', { kind: 'step-timeout', stepId: 'fetch', visit: 2, attempt: 3 })).toBe(
      'r1/step-timeout/fetch/2/3',
    );
    expect(timerId('r1', { kind: 'retry', stepId: 'fetch', visit: 1, attempt: 2 })).toBe(
      'r1/retry/fetch/1/2',
    );
  });
});

describe('planTimers', () => {
  it('arms the run timeout again when an ended run is rewound: its whole timeout, from the rewind', () => {
    const rewound = makeRunEvent('RunRewound', 'r1', at(5_000), {
      toStep: 'fetch',
      resetStepIds: ['fetch'],
      timeoutMs: 60_000,
      by: 'alice',
    });
    expect(planTimers(commit(9, rewound)).arm).toEqual([
      { id: 'r1/run-timeout', purpose: { kind: 'run-timeout' }, dueAtMs: T0 + 65_000 },
    ]);
  });

  it('arms the run timeout at start + timeoutMs', () => {
    expect(planTimers(commit(1, started(60_000)))).toEqual({
      runId: 'r1',
      seq: 1,
      arm: [{ id: 'r1/run-timeout', purpose: { kind: 'run-timeout' }, dueAtMs: T0 + 60_000 }],
      disarm: [],
      disarmSteps: [],
      disarmRun: false,
    });
  });

  it('arms no run timeout when the run has none', () => {
    expect(planTimers(commit(1, started(0))).arm).toEqual([]);
  });

  it('arms a step timeout per attempt that has a limit', () => {
    const plan = planTimers(commit(2, stepStarted('fetch', 2, 5_000), stepStarted('free')));
    expect(plan.arm).toEqual([
      {
        id: 'r1/step-timeout/fetch/1/2',
        purpose: { kind: 'step-timeout', stepId: 'fetch', visit: 1, attempt: 2 },
        dueAtMs: T0 + 10 + 5_000,
      },
    ]);
  });

  it.each([
    ['succeeded', stepSucceeded('fetch', 2)],
    ['failed', stepFailed('fetch', 2)],
  ])('disarms the step timeout of an attempt that %s', (_, event) => {
    expect(planTimers(commit(3, event))).toMatchObject({
      arm: [],
      disarm: [
        {
          id: 'r1/step-timeout/fetch/1/2',
          purpose: { kind: 'step-timeout', stepId: 'fetch', visit: 1, attempt: 2 },
        },
      ],
    });
  });

  it('disarms every timer of a skipped step visit', () => {
    expect(planTimers(commit(3, skipped('review', 2)))).toMatchObject({
      disarm: [],
      disarmSteps: [{ stepId: 'review', visit: 2 }],
    });
  });

  it('arms a retry at its due time', () => {
    const dueAt = at(90_000);
    expect(planTimers(commit(4, stepFailed('fetch'), retryScheduled('fetch', 2, dueAt))).arm).toEqual([
      {
        id: 'r1/retry/fetch/1/2',
        purpose: { kind: 'retry', stepId: 'fetch', visit: 1, attempt: 2 },
        dueAtMs: T0 + 90_000,
      },
    ]);
  });

  it('falls back to at + delayMs when the retry due time is unreadable', () => {
    expect(planTimers(commit(4, retryScheduled('fetch', 2, 'soon', 700))).arm[0].dueAtMs).toBe(T0 + 20 + 700);
  });

  it('nets a commit that starts and finishes an attempt into a disarm only', () => {
    const plan = planTimers(commit(5, stepStarted('quick', 1, 1_000), stepSucceeded('quick')));
    expect(plan.arm).toEqual([]);
    expect(plan.disarm.map((d) => d.id)).toEqual(['r1/step-timeout/quick/1/1']);
  });

  it('drops the arms of a step skipped later in the same commit', () => {
    const plan = planTimers(commit(5, stepStarted('a', 1, 1_000), stepStarted('b', 1, 1_000), skipped('a')));
    expect(plan.arm.map((a) => a.id)).toEqual(['r1/step-timeout/b/1/1']);
  });

  it.each([
    makeRunEvent('RunSucceeded', 'r1', at(), { output: 'x', durationMs: 1 }),
    makeRunEvent('RunFailed', 'r1', at(), {
      error: { code: 'STEP_FAILED', message: 'x', retryable: false },
      durationMs: 1,
    }),
    makeRunEvent('RunCancelled', 'r1', at(), { reason: 'x', by: 'bob', durationMs: 1 }),
    makeRunEvent('RunTimedOut', 'r1', at(), { timeoutMs: 5, durationMs: 5 }),
  ])('$type disarms the whole run and nothing else is planned', (terminal) => {
    expect(
      planTimers(commit(9, stepStarted('last', 1, 1_000), terminal, stepStarted('after', 1, 1_000))),
    ).toEqual({
      runId: 'r1',
      seq: 9,
      arm: [],
      disarm: [],
      disarmSteps: [],
      disarmRun: true,
    });
  });

  it('plans nothing for a run that starts and ends in its first commit', () => {
    const succeeded = makeRunEvent('RunSucceeded', 'r1', at(), { output: 'x', durationMs: 1 });
    const whole = { ...commit(3, started(60_000), stepStarted('only', 1, 1_000), succeeded), prev: 0 };
    expect(planTimers(whole)).toEqual({
      runId: 'r1',
      seq: 3,
      arm: [],
      disarm: [],
      disarmSteps: [],
      disarmRun: false,
    });
  });

  it('plans nothing for events that touch no timer', () => {
    expect(planTimers(commit(2, stepStarted('free')))).toEqual({
      runId: 'r1',
      seq: 2,
      arm: [],
      disarm: [],
      disarmSteps: [],
      disarmRun: false,
    });
  });
});

describe('planTimers: checkpoints and parked time', () => {
  const opened = (timeoutMs?: number): RunEvent =>
    makeRunEvent('CheckpointOpened', 'r1', at(40), {
      stepId: 'review',
      visit: 1,
      message: 'Approve?',
      timeoutMs,
    });
  const resolved = makeRunEvent('CheckpointResolved', 'r1', at(50), {
    stepId: 'review',
    visit: 1,
    action: 'approve',
    by: 'jane',
  });

  it('arms the checkpoint timeout when the checkpoint opens with one', () => {
    expect(planTimers(commit(6, opened(86_400_000))).arm).toEqual([
      {
        id: 'r1/checkpoint-timeout/review/1',
        purpose: { kind: 'checkpoint-timeout', stepId: 'review', visit: 1 },
        dueAtMs: T0 + 40 + 86_400_000,
      },
    ]);
    expect(planTimers(commit(6, opened())).arm).toEqual([]);
  });

  it('disarms it when a person decides', () => {
    expect(planTimers(commit(7, resolved)).disarm).toEqual([
      {
        id: 'r1/checkpoint-timeout/review/1',
        purpose: { kind: 'checkpoint-timeout', stepId: 'review', visit: 1 },
      },
    ]);
  });

  it('moves the run timeout later by the time the run was parked', () => {
    const deferred = makeRunEvent('RunTimeoutDeferred', 'r1', at(60), {
      dueAt: at(90_000),
      remainingMs: 89_940,
    });
    expect(planTimers(commit(8, deferred)).arm).toEqual([
      { id: 'r1/run-timeout', purpose: { kind: 'run-timeout' }, dueAtMs: T0 + 90_000 },
    ]);
  });
});

describe('planTimers: deferred calls (an agent at its concurrency limit)', () => {
  const deferred = (deferral: number, dueAt = at(300)): RunEvent =>
    makeRunEvent('StepDeferred', 'r1', at(50), {
      stepId: 'call',
      visit: 1,
      attempt: 2,
      deferral,
      reason: 'model@ is busy',
      dueAt,
      delayMs: 250,
    });

  it('arms a resume timer per deferral, at its due time', () => {
    expect(planTimers(commit(9, deferred(1))).arm).toEqual([
      {
        id: 'r1/resume/call/1/2/1',
        purpose: { kind: 'resume', stepId: 'call', visit: 1, attempt: 2, deferral: 1 },
        dueAtMs: T0 + 300,
      },
    ]);
    expect(planTimers(commit(10, deferred(2, 'soon'))).arm).toEqual([
      {
        id: 'r1/resume/call/1/2/2',
        purpose: { kind: 'resume', stepId: 'call', visit: 1, attempt: 2, deferral: 2 },
        dueAtMs: T0 + 50 + 250,
      },
    ]);
  });

  it('drops the resume timer of a step skipped in the same commit, and all of them when the run ends', () => {
    expect(planTimers(commit(11, deferred(1), skipped('call'))).arm).toEqual([]);
    const ended = makeRunEvent('RunCancelled', 'r1', at(60), { reason: 'no', by: 'api', durationMs: 60 });
    expect(planTimers(commit(12, deferred(1), ended))).toMatchObject({ arm: [], disarmRun: true });
  });
});
