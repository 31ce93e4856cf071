import { definitionOf, RunScript, trace } from './testing/run-script';

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

  it('fails a running attempt with STEP_TIMEOUT, retryable, then retries as usual', () => {
    const run = new RunScript(slow);
    const started = run.start();
    expect(started[1].data).toMatchObject({ stepId: 'wait', timeoutMs: 30_000 });
    const events = run.fire({ kind: 'step-timeout', stepId: 'wait', visit: 1, attempt: 1 }, 30_000);
    expect(trace(events)).toEqual(['StepFailed:wait', 'StepRetryScheduled:wait']);
    expect(events[0].data).toMatchObject({
      error: { code: 'STEP_TIMEOUT', message: 'step wait did not finish within 30s', retryable: true },
      durationMs: 30_000,
    });
    // The agent's answer for the timed-out attempt comes late: ignored.
    expect(run.complete('wait', { ok: true, output: 'late', durationMs: 30_001 }, { attempt: 1 })).toEqual(
      [],
    );
  });

  it('ignores a timeout for an attempt that already ended', () => {
    const run = new RunScript(slow);
    run.start();
    run.succeed('wait', 'done');
    expect(run.fire({ kind: 'step-timeout', stepId: 'wait', visit: 1, attempt: 1 })).toEqual([]);
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

  it('times the run out, naming the step at work, as a failure with code RUN_TIMEOUT', () => {
    const run = new RunScript(short);
    expect(run.start()[0].data).toMatchObject({ timeoutMs: 60_000 });
    const events = run.fire({ kind: 'run-timeout' }, 60_000);
    expect(trace(events)).toEqual(['RunTimedOut:work']);
    expect(events[0].data).toMatchObject({ timeoutMs: 60_000 });
    expect(run.state.status).toBe('failed');
    expect(run.state.error).toMatchObject({
      code: 'RUN_TIMEOUT',
      message: 'the run did not finish within 1m (its timeout)',
    });
    expect(run.succeed('work', 'late')).toEqual([]);
  });

  it('does not count time parked at a checkpoint: an early timer defers itself', () => {
    const run = new RunScript(short);
    run.start();
    run.succeed('work', 'w', 20_000);
    // Parked for two hours; the timer armed at the start fires an hour in.
    const deferred = run.fire({ kind: 'run-timeout' }, 3_600_000);
    expect(trace(deferred)).toEqual(['RunTimeoutDeferred']);
    const data = deferred[0].data as { dueAt: string; remainingMs: number };
    expect(data.remainingMs).toBe(40_000);
    // Until the checkpoint could expire, plus the working time left.
    const checkpointExpiry = run.step('review').checkpoint?.openedAt;
    expect(Date.parse(data.dueAt)).toBe(Date.parse(checkpointExpiry ?? '') + 86_400_000 + 40_000);
    run.resolve('review', 'approve', {}, 3_600_000);
    const late = run.fire({ kind: 'run-timeout' }, 39_990);
    expect(trace(late)).toEqual(['RunTimedOut:finish']);
  });
});

describe('checkpoint timeout', () => {
  it('rejects a checkpoint nobody decided on in time', () => {
    const definition = definitionOf(`
name: approval
steps:
  - id: approve-it
    type: checkpoint
    message: "Please approve"
    timeout: 24h
`);
    const run = new RunScript(definition);
    const started = run.start();
    expect(started[2]).toMatchObject({
      type: 'CheckpointOpened',
      data: { timeoutMs: 86_400_000, message: 'Please approve' },
    });
    const events = run.fire({ kind: 'checkpoint-timeout', stepId: 'approve-it', visit: 1 }, 86_400_000);
    expect(trace(events)).toEqual(['CheckpointResolved:approve-it', 'StepFailed:approve-it', 'RunFailed']);
    expect(events[0].data).toMatchObject({ action: 'reject', by: 'timeout' });
    expect(events[2].data).toMatchObject({
      error: {
        code: 'CHECKPOINT_REJECTED',
        stepId: 'approve-it',
        message: 'checkpoint "approve-it": no decision within 24h',
      },
    });
  });
});
