import { makeRunEvent } from '@chainmail/contracts';
import { projectCommits, runEndOf, stepPosition } from './run-projection';
import { RunLogFixture } from './testing/run-commits.fixture';

describe('projectCommits', () => {
  it('folds a whole run into one run patch and one patch per step', () => {
    const log = new RunLogFixture('r1');
    const started = log.started();
    const batch = projectCommits([
      log.commit(1, started),
      log.commit(2, log.stepStarted('research')),
      log.commit(3, log.stepSucceeded('research'), log.stepStarted('summarize')),
      log.commit(4, log.stepSucceeded('summarize'), log.succeeded('the report')),
    ]);

    expect(batch.lastSeq).toBe(4);
    expect(batch.runs).toHaveLength(1);
    const run = batch.runs[0];
    expect(run).toMatchObject({
      id: 'r1',
      lastSeq: 4,
      firstAt: started.at,
      status: 'succeeded',
      output: 'the report',
      durationMs: 1234,
      started: { workflow: 'digest', version: 3, owner: 'team-a', actor: 'alice', startedAt: started.at },
    });
    expect(run.started?.trigger).toEqual({ kind: 'api', details: { path: '/v1' } });
    expect(run.error).toBeUndefined();

    expect(batch.steps.map((s) => [s.stepId, s.status, s.lastSeq])).toEqual([
      ['research', 'succeeded', 3],
      ['summarize', 'succeeded', 4],
    ]);
    const research = batch.steps[0];
    expect(research).toMatchObject({
      agent: 'research@',
      input: 'input of research #1',
      output: 'output of research #1',
      usage: { promptTokens: 10, completionTokens: 5 },
      durationMs: 40,
      visit: 1,
      attempts: 1,
      position: stepPosition(2, 0),
    });
    expect(batch.steps[1].position).toBe(stepPosition(3, 1));
  });

  it('sets only what its events know: a lone StepSucceeded has no input, agent or start', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([log.commit(7, log.stepSucceeded('draft'))]);

    const [step] = batch.steps;
    expect(step.status).toBe('succeeded');
    expect(step.output).toBe('output of draft #1');
    expect(step).not.toHaveProperty('input');
    expect(step).not.toHaveProperty('agent');
    expect(step).not.toHaveProperty('startedAt');
    // The run gets a patch too (its row orders concurrent writers), but knows no run facts.
    expect(batch.runs).toEqual([{ id: 'r1', lastSeq: 7, firstAt: expect.any(String) }]);
  });

  it('a retry replaces the failed attempt: no stale error once attempt 2 succeeds', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([
      log.commit(1, log.stepStarted('research', 1)),
      log.commit(2, log.stepFailed('research', 1)),
      log.commit(3, log.stepStarted('research', 2)),
      log.commit(4, log.stepSucceeded('research', 2)),
    ]);

    const [step] = batch.steps;
    expect(step).toMatchObject({
      status: 'succeeded',
      attempts: 2,
      input: 'input of research #2',
      output: 'output of research #2',
      position: stepPosition(1, 0),
      lastSeq: 4,
    });
    expect(step.error).toBeUndefined();
  });

  it('a retry that is still running shows neither the old error nor the old end time', () => {
    const log = new RunLogFixture('r1');
    const retryStart = log.stepStarted('research', 2);
    const batch = projectCommits([
      log.commit(1, log.stepStarted('research', 1), log.stepFailed('research', 1)),
      log.commit(2, retryStart),
    ]);

    const [step] = batch.steps;
    expect(step.status).toBe('running');
    expect(step.attempts).toBe(2);
    expect(step.startedAt).toBe(retryStart.at);
    expect(step.error).toBeUndefined();
    expect(step.endedAt).toBeUndefined();
    expect(step.durationMs).toBeUndefined();
  });

  it('a failed step and a failed run carry their errors', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([
      log.commit(1, log.started(), log.stepStarted('research')),
      log.commit(2, log.stepFailed('research', 1, 1, false), log.failed('research')),
    ]);

    expect(batch.runs[0]).toMatchObject({
      status: 'failed',
      error: { code: 'STEP_FAILED', stepId: 'research', retryable: false },
      durationMs: 999,
    });
    expect(batch.runs[0].output).toBeUndefined();
    expect(batch.steps[0]).toMatchObject({
      status: 'failed',
      error: { code: 'AGENT_TIMEOUT', message: 'attempt 1 timed out', retryable: false },
      input: 'input of research #1',
      durationMs: 30,
    });
  });

  it('a cancelled run records why, in the shape the engine uses', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([log.commit(1, log.started()), log.commit(2, log.cancelled())]);
    expect(batch.runs[0]).toMatchObject({
      status: 'cancelled',
      error: { code: 'RUN_CANCELLED', message: 'no longer needed', retryable: false },
      durationMs: 50,
    });
  });

  it('a skipped step keeps its reason and names no attempt', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([log.commit(1, log.started(), log.stepSkipped('review'))]);

    const [step] = batch.steps;
    expect(step).toMatchObject({
      stepId: 'review',
      status: 'skipped',
      visit: 1,
      skipReason: 'condition false',
    });
    expect(step.attempts).toBeUndefined();
    expect(step.endedAt).toBeDefined();
  });

  it('a second visit starts the step afresh', () => {
    const log = new RunLogFixture('r1');
    const batch = projectCommits([
      log.commit(1, log.stepStarted('draft', 1, 1), log.stepSucceeded('draft', 1, 1)),
      log.commit(2, log.stepStarted('draft', 1, 2)),
    ]);
    expect(batch.steps[0]).toMatchObject({ status: 'running', visit: 2, attempts: 1 });
    expect(batch.steps[0].output).toBeUndefined();
  });

  it('folds several runs at once, whatever order the commits come in', () => {
    const a = new RunLogFixture('run-a');
    const b = new RunLogFixture('run-b');
    const commits = [
      b.commit(12, b.stepStarted('x')),
      a.commit(10, a.started()),
      b.commit(11, b.started()),
      a.commit(13, a.stepStarted('y'), a.stepSucceeded('y')),
      a.commit(14, a.succeeded()),
    ];
    const batch = projectCommits(commits);

    expect(batch.lastSeq).toBe(14);
    expect(batch.runs.map((r) => [r.id, r.lastSeq, r.status])).toEqual([
      ['run-a', 14, 'succeeded'],
      ['run-b', 12, 'running'],
    ]);
    expect(batch.steps.map((s) => [s.runId, s.stepId, s.status])).toEqual([
      ['run-a', 'y', 'succeeded'],
      ['run-b', 'x', 'running'],
    ]);
    expect(projectCommits([...commits].reverse())).toEqual(batch);
  });

  it('a commit delivered twice in one batch counts once', () => {
    const log = new RunLogFixture('r1');
    const commits = [
      log.commit(1, log.started()),
      log.commit(2, log.stepStarted('s'), log.stepSucceeded('s')),
    ];
    expect(projectCommits([...commits, commits[1], commits[0]])).toEqual(projectCommits(commits));
  });

  it('ignores events that name another run than their subject', () => {
    const log = new RunLogFixture('r1');
    const foreign = makeRunEvent('RunSucceeded', 'r2', log.at(), { output: 'x', durationMs: 1 });
    const batch = projectCommits([log.commit(5, log.started(), foreign)]);
    expect(batch.runs.map((r) => [r.id, r.status])).toEqual([['r1', 'running']]);
  });

  it('an empty batch projects nothing', () => {
    expect(projectCommits([])).toEqual({
      runs: [],
      steps: [],
      mails: [],
      attempts: [],
      checkpoints: [],
      lastSeq: 0,
      events: 0,
    });
  });

  it('orders step positions by stream sequence, then by index within the commit', () => {
    expect(stepPosition(5, 3)).toBeLessThan(stepPosition(6, 0));
    expect(stepPosition(5, 0)).toBeLessThan(stepPosition(5, 1));
    expect(Number.isSafeInteger(stepPosition(2 ** 40, 10_000))).toBe(true);
  });

  it('shows a timed-out run as failed with code RUN_TIMEOUT, as the engine does', () => {
    const log = new RunLogFixture('r1');
    const timedOut = makeRunEvent('RunTimedOut', 'r1', log.at(), {
      timeoutMs: 60_000,
      durationMs: 60_012,
      stepId: 'research',
      message: 'the run did not finish within 1m (its timeout)',
    });
    const batch = projectCommits([log.commit(1, log.started()), log.commit(2, timedOut)]);
    expect(batch.runs[0]).toMatchObject({
      status: 'failed',
      durationMs: 60_012,
      endedAt: timedOut.at,
      error: {
        code: 'RUN_TIMEOUT',
        stepId: 'research',
        message: 'the run did not finish within 1m (its timeout)',
      },
    });
  });

  it('keeps a checkpoint open from CheckpointOpened until its decision, on the visit it names', () => {
    const log = new RunLogFixture('r1');
    const at = log.at();
    const opened = makeRunEvent('CheckpointOpened', 'r1', at, { stepId: 'review', visit: 1, message: 'ok?' });
    const resolved = makeRunEvent('CheckpointResolved', 'r1', at, {
      stepId: 'review',
      visit: 1,
      action: 'edit',
      input: 'better text',
      by: 'alice',
    });
    const open = projectCommits([
      log.commit(1, log.started()),
      log.commit(2, log.stepStarted('review'), opened),
    ]);
    expect(open.steps[0]).toMatchObject({ stepId: 'review', status: 'waiting', checkpointMessage: 'ok?' });
    expect(open.steps[0]).not.toHaveProperty('decision');
    const decided = projectCommits([log.commit(3, resolved)]);
    expect(decided.steps[0]).toMatchObject({
      visit: 1,
      status: 'running',
      decision: { action: 'edit', input: 'better text', by: 'alice' },
    });
    expect(decided.steps[0].attempts).toBeUndefined();
  });

  it('records an email agent\u2019s mail and its reply by attempt, in either order', () => {
    const log = new RunLogFixture('r1');
    const sent = makeRunEvent('AgentMailSent', 'r1', log.at(), {
      stepId: 'research',
      visit: 1,
      attempt: 2,
      agent: 'research@',
      messageId: '<r1.research.1.2@x>',
      to: 'r@mail.example',
      subject: 's',
    });
    const replied = makeRunEvent('AgentReplyReceived', 'r1', log.at(), {
      stepId: 'research',
      visit: 1,
      attempt: 2,
      from: 'r@mail.example',
      messageId: '<answer@x>',
    });
    const expected = {
      runId: 'r1',
      stepId: 'research',
      visit: 1,
      attempt: 2,
      lastSeq: 5,
      messageId: '<r1.research.1.2@x>',
      agent: 'research@',
      to: 'r@mail.example',
      replied: true,
      replyMessageId: '<answer@x>',
    };
    expect(projectCommits([log.commit(4, sent), log.commit(5, replied)]).mails).toEqual([expected]);
    expect(projectCommits([log.commit(5, replied), log.commit(4, sent)]).mails).toEqual([expected]);
    // Mail events are not steps: the step row is left to the step's own events.
    expect(projectCommits([log.commit(4, sent)]).steps).toEqual([]);
  });

  it('keeps RunStarted\u2019s parent run and variables, and reads every terminal event one way', () => {
    const log = new RunLogFixture('child');
    const started = log.started();
    if (started.type !== 'RunStarted') throw new Error('fixture');
    started.data.parent = { runId: 'parent', stepId: 's', visit: 1, attempt: 1 };
    started.data.vars = { region: 'eu' };
    expect(projectCommits([log.commit(1, started)]).runs[0].started).toMatchObject({
      parentRunId: 'parent',
      vars: { region: 'eu' },
    });
    expect(runEndOf(log.succeeded('out'))).toEqual({ status: 'succeeded', output: 'out', durationMs: 1234 });
    expect(runEndOf(log.failed('draft'))).toMatchObject({
      status: 'failed',
      error: { code: 'STEP_FAILED', stepId: 'draft' },
    });
    const timedOut = makeRunEvent('RunTimedOut', 'child', log.at(), { timeoutMs: 5, durationMs: 6 });
    expect(runEndOf(timedOut)).toMatchObject({ status: 'failed', error: { code: 'RUN_TIMEOUT' } });
    expect(runEndOf(log.stepStarted('x'))).toBeUndefined();
  });

  it("keeps the run's trace id from the commit of RunStarted only", () => {
    const log = new RunLogFixture('r1');
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const batch = projectCommits([
      { ...log.commit(1, log.started()), traceId },
      { ...log.commit(2, log.stepStarted('research')), traceId: 'f'.repeat(32) },
    ]);
    expect(batch.runs[0].started?.traceId).toBe(traceId);
    const later = projectCommits([{ ...log.commit(3, log.succeeded('out')), traceId: 'f'.repeat(32) }]);
    expect(later.runs[0].started).toBeUndefined();
    expect(projectCommits([log.commit(1, log.started())]).runs[0].started).not.toHaveProperty('traceId');
  });

  it('keeps an analytics fact per attempt (a retry does not replace the failed one) and per checkpoint wait', () => {
    const log = new RunLogFixture('r1');
    const opened = makeRunEvent('CheckpointOpened', 'r1', log.at(), {
      stepId: 'ok',
      visit: 1,
      message: 'go?',
    });
    const resolved = makeRunEvent('CheckpointResolved', 'r1', log.at(), {
      stepId: 'ok',
      visit: 1,
      action: 'reject',
      by: 'bob',
    });
    const batch = projectCommits([
      log.commit(1, log.started(), log.stepStarted('s', 1)),
      log.commit(2, log.stepFailed('s', 1), log.stepStarted('s', 2)),
      log.commit(3, log.stepSucceeded('s', 2), opened),
      log.commit(4, resolved),
    ]);
    expect(
      batch.attempts.map((a) => [a.stepId, a.attempt, a.status, a.errorCode, a.durationMs, a.agent]),
    ).toEqual([
      ['s', 1, 'failed', 'AGENT_TIMEOUT', 30, 's@'],
      ['s', 2, 'succeeded', undefined, 40, 's@'],
    ]);
    expect(batch.attempts[1]).toMatchObject({ promptTokens: 10, completionTokens: 5, lastSeq: 3 });
    expect(batch.checkpoints).toEqual([
      {
        runId: 'r1',
        stepId: 'ok',
        visit: 1,
        lastSeq: 4,
        openedAt: opened.at,
        resolvedAt: resolved.at,
        action: 'reject',
      },
    ]);
  });
});

describe('projectCommits: debugging', () => {
  it('a pause sets status paused with where; stepping clears it; a rewind reopens an ended run', () => {
    const log = new RunLogFixture('r1');
    const paused = makeRunEvent('RunPaused', 'r1', log.at(), { stepId: 'research', visit: 1, input: 'in' });
    const stepped = makeRunEvent('RunStepped', 'r1', log.at(), { stepId: 'research', visit: 1, by: 'alice' });
    expect(projectCommits([log.commit(1, log.started(), paused)]).runs[0]).toMatchObject({
      status: 'paused',
      pausedAt: { step: 'research', visit: 1, input: 'in', at: paused.at },
    });
    const moved = projectCommits([log.commit(2, stepped, log.stepStarted('research'))]).runs[0];
    expect(moved.status).toBe('running');
    expect(moved.pausedAt).toBeUndefined();

    const rewound = makeRunEvent('RunRewound', 'r1', log.at(), {
      toStep: 'research',
      resetStepIds: ['research'],
      timeoutMs: 0,
      by: 'alice',
    });
    const batch = projectCommits([
      log.commit(3, log.stepFailed('research', 1, 1, false), log.failed('research')),
      log.commit(4, rewound, log.stepStarted('research', 1, 2)),
    ]);
    expect(batch.runs[0]).toMatchObject({ status: 'running', reopened: true });
    expect(batch.runs[0].error).toBeUndefined();
    expect(batch.runs[0].endedAt).toBeUndefined();
    // The step is on its second visit: the first visit's failed attempts are not its own.
    expect(batch.steps[0]).toMatchObject({ visit: 2, status: 'running' });
    expect(batch.steps[0].attemptErrors).toBeUndefined();
  });
});
