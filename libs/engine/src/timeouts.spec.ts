import { spec } from './testing/decider-specification';
import { complete, fire, resolve, start } from './testing/commands';
import { RunHistory } from './testing/run-events';
import { definitionOf, ok, T0 } from './testing/run-script';

const HOUR = 3_600_000;

describe('step timeouts', () => {
  const slow = definitionOf(`
name: slow
steps:
  - id: wait
    agent: sleep@
    input: "60000"
    timeout: 30s
    retry: { max: 1, delay: 2s, jitter: false }
`);
  const stepTimeout = { kind: 'step-timeout' as const, stepId: 'wait', visit: 1, attempt: 1 };

  it('an attempt starts with its step’s timeout, for scheduling to arm', () => {
    spec(slow)
      .given()
      .when(start(slow))
      .then(['RunStarted', { type: 'StepStarted', data: { stepId: 'wait', timeoutMs: 30_000 } }]);
  });

  it('the timeout fails the running attempt with STEP_TIMEOUT, retryable, and the retry policy applies', () => {
    const h = new RunHistory(slow);
    const started = h.stepStarted('wait');
    spec(slow)
      .given([h.runStarted(), started])
      .when(fire(stepTimeout), Date.parse(started.at) + 30_000)
      .then([
        {
          type: 'StepFailed',
          data: {
            error: { code: 'STEP_TIMEOUT', message: 'step wait did not finish within 30s', retryable: true },
            durationMs: 30_000,
          },
        },
        'StepRetryScheduled:wait',
      ])
      // The agent's answer for the timed-out attempt comes late: ignored.
      .and(complete('wait', { ok: true, output: 'late', durationMs: 30_001 }))
      .thenNothing();
  });

  it('a timeout for an attempt that already ended decides nothing', () => {
    const h = new RunHistory(slow);
    spec(slow)
      .given([h.runStarted(), h.stepStarted('wait')])
      .when(complete('wait', ok('done')))
      .then(['StepSucceeded:wait', 'RunSucceeded'])
      .and(fire(stepTimeout))
      .thenNothing();
  });
});

describe('run timeout', () => {
  const short = definitionOf(`
name: short
timeout: 1m
steps:
  - id: work
    agent: sleep@
  - id: review
    type: checkpoint
    message: "ok?"
    timeout: 24h
  - id: finish
    agent: echo@
`);

  it('a run starts with its timeout, for scheduling to arm', () => {
    spec(short)
      .given()
      .when(start(short))
      .then([{ type: 'RunStarted', data: { timeoutMs: 60_000 } }, 'StepStarted:work']);
  });

  it('the run timeout ends the run as failed with RUN_TIMEOUT, naming the step at work', () => {
    const h = new RunHistory(short);
    const timedOut = spec(short)
      .given([h.runStarted(), h.stepStarted('work')])
      .when(fire({ kind: 'run-timeout' }), T0 + 60_000)
      .then([{ type: 'RunTimedOut', data: { stepId: 'work', timeoutMs: 60_000 } }]);
    expect(timedOut.state.status).toBe('failed');
    expect(timedOut.state.error).toMatchObject({
      code: 'RUN_TIMEOUT',
      message: 'the run did not finish within 1m (its timeout)',
    });
    timedOut.and(complete('work', ok('late'))).thenNothing();
  });

  it('time parked at a checkpoint does not count: an early run timeout defers itself', () => {
    // Worked 20s, then parked at the checkpoint; the timer armed at the start fires an hour in.
    const h = new RunHistory(short);
    const working = [h.runStarted(), h.stepStarted('work')];
    const later = new RunHistory(short, 'run-1', T0 + 20_000);
    const parked = [
      later.stepSucceeded('work', 'w'),
      later.stepStarted('review'),
      later.checkpointOpened('review', 'ok?', 86_400_000),
    ];
    const openedAt = Date.parse(parked[2].at);
    const deferred = spec(short)
      .given([...working, ...parked])
      .when(fire({ kind: 'run-timeout' }), T0 + HOUR)
      .then([{ type: 'RunTimeoutDeferred', data: { remainingMs: 39_980 } }]);
    // Until the checkpoint could expire, plus the working time left.
    expect(Date.parse(deferred.dataOf('RunTimeoutDeferred').dueAt)).toBe(openedAt + 86_400_000 + 39_980);
    deferred
      .and(resolve('review', 'approve'), T0 + 2 * HOUR)
      .then(['CheckpointResolved:review', 'StepSucceeded:review', 'StepStarted:finish'])
      .and(fire({ kind: 'run-timeout' }), T0 + 2 * HOUR + 39_980)
      .then(['RunTimedOut:finish']);
  });
});

describe('checkpoint timeout', () => {
  const approval = definitionOf(`
name: approval
steps:
  - id: approve-it
    type: checkpoint
    message: "Please approve"
    timeout: 24h
`);

  it('a checkpoint opens with its timeout, for scheduling to arm', () => {
    spec(approval)
      .given()
      .when(start(approval))
      .then([
        'RunStarted',
        'StepStarted:approve-it',
        { type: 'CheckpointOpened', data: { timeoutMs: 86_400_000, message: 'Please approve' } },
      ]);
  });

  it('the checkpoint timeout rejects a checkpoint nobody decided on, failing the run', () => {
    const h = new RunHistory(approval);
    spec(approval)
      .given([
        h.runStarted(),
        h.stepStarted('approve-it'),
        h.checkpointOpened('approve-it', 'Please approve', 86_400_000),
      ])
      .when(fire({ kind: 'checkpoint-timeout', stepId: 'approve-it', visit: 1 }), T0 + 86_400_000)
      .then([
        { type: 'CheckpointResolved', data: { action: 'reject', by: 'timeout' } },
        'StepFailed:approve-it',
        {
          type: 'RunFailed',
          data: {
            error: {
              code: 'CHECKPOINT_REJECTED',
              stepId: 'approve-it',
              message: 'checkpoint "approve-it": no decision within 24h',
            },
          },
        },
      ]);
  });
});
