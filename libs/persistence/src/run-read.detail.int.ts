import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { projectCommits } from './run-projection';
import { RunProjectionWriter } from './run-projection.writer';
import { RunReadRepository } from './run-read.repository';
import type { RunRecord } from './run-read.model';
import { runRecordOf } from './run-record';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import { RunLogFixture } from './testing/run-commits.fixture';

/** Event times with milliseconds, so that their formatting is checked too. */
const T0 = Date.parse('2030-03-04T05:06:07.089Z');

/** One run's commits: its id, and a builder of its events on that run's clock. */
function runLog(runId: string, build: (log: RunLogFixture, event: EventMaker) => RunEvent[][]): RunEvent[][] {
  const log = new RunLogFixture(runId, T0);
  return build(log, (type, data) => makeRunEvent(type, runId, log.at(), data as never));
}

type EventMaker = <K extends RunEvent['type']>(
  type: K,
  data: Extract<RunEvent, { type: K }>['data'],
) => RunEvent;

/** Runs in every state the detail shows differently; each inner array is one commit. */
const RUNS: Record<string, RunEvent[][]> = {
  running: runLog('run-running', (l) => [[l.started()], [l.stepStarted('research')]]),
  succeeded: runLog('run-succeeded', (l) => [
    [l.started('digest', { topic: 'crm', nested: { b: 1, a: [1, 'two', null] } })],
    [l.stepStarted('research'), l.stepSucceeded('research'), l.stepSkipped('review')],
    [l.stepStarted('draft'), l.stepSucceeded('draft'), l.succeeded('final report')],
  ]),
  failedAtStep: runLog('run-failed', (l) => [
    [l.started()],
    [l.stepStarted('research', 1), l.stepFailed('research', 1)],
    [l.stepStarted('research', 2), l.stepFailed('research', 2, 1, false), l.failed('research')],
  ]),
  failedWithoutStep: runLog('run-timed-out', (l, e) => [
    [l.started(), l.stepStarted('research')],
    [e('RunTimedOut', { timeoutMs: 1000, durationMs: 1001, message: 'too slow' })],
  ]),
  cancelled: runLog('run-cancelled', (l) => [[l.started(), l.stepStarted('research')], [l.cancelled()]]),
  waiting: runLog('run-waiting', (l, e) => [
    [l.started(), l.stepStarted('draft'), l.stepSucceeded('draft')],
    [
      e('StepStarted', { stepId: 'review', visit: 1, attempt: 1, kind: 'checkpoint' }),
      e('CheckpointOpened', {
        stepId: 'review',
        visit: 1,
        message: 'Ship it?',
        timeoutMs: 90_000,
        approvers: ['owner', 'ops@example.com'],
        actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
      }),
    ],
  ]),
  waitingWithoutDetails: runLog('run-waiting-old', (l, e) => [
    [l.started(), e('StepStarted', { stepId: 'review', visit: 1, attempt: 1, kind: 'checkpoint' })],
    [e('CheckpointOpened', { stepId: 'review', visit: 1, message: 'ok?' })],
  ]),
  decided: runLog('run-decided', (l, e) => [
    [l.started(), e('StepStarted', { stepId: 'review', visit: 1, attempt: 1, kind: 'checkpoint' })],
    [e('CheckpointOpened', { stepId: 'review', visit: 1, message: 'ok?' })],
    [
      e('CheckpointResolved', {
        stepId: 'review',
        visit: 1,
        action: 'approve',
        by: 'alice',
        comment: 'fine',
      }),
      l.stepSucceeded('review'),
      l.stepStarted('publish'),
    ],
  ]),
  foreach: runLog('run-foreach', (l, e) => [
    [
      l.started(),
      e('StepStarted', { stepId: 'each', visit: 1, attempt: 1, kind: 'foreach', items: ['a', 'b'] }),
    ],
    [
      e('StepStarted', { stepId: 'each[0]', visit: 1, attempt: 1, kind: 'item', parent: 'each', index: 0 }),
      e('StepStarted', { stepId: 'each[1]', visit: 1, attempt: 1, kind: 'item', parent: 'each', index: 1 }),
      l.stepSucceeded('each[1]'),
      l.stepSucceeded('each[0]'),
    ],
    [
      e('StepSucceeded', {
        stepId: 'each',
        visit: 1,
        attempt: 1,
        output: '["A","B"]',
        items: ['A', 'B'],
        durationMs: 12,
      }),
    ],
  ]),
  parallel: runLog('run-parallel', (l, e) => [
    [l.started(), e('StepStarted', { stepId: 'fan', visit: 1, attempt: 1, kind: 'parallel' })],
    [
      e('StepStarted', { stepId: 'left', visit: 1, attempt: 1, agent: 'left@', input: 'l', parent: 'fan' }),
      e('StepStarted', { stepId: 'right', visit: 1, attempt: 1, agent: 'right@', input: 'r', parent: 'fan' }),
      l.stepFailed('right', 1, 1, false),
    ],
    [l.stepSucceeded('left')],
  ]),
  paused: runLog('run-paused', (l, e) => [
    [l.started(), l.stepStarted('research'), l.stepSucceeded('research')],
    [e('RunPaused', { stepId: 'draft', visit: 1, input: 'draft this' })],
  ]),
  forkedChild: runLog('run-forked', (l, e) => [
    [
      e('RunStarted', {
        workflow: 'digest',
        version: 2,
        inputs: {},
        trigger: { kind: 'api' },
        owner: 'team-a',
        actor: 'bob',
        debug: true,
        commandId: 'cmd-fork',
        timeoutMs: 60_000,
        parent: { runId: 'run-parent', stepId: 'call', visit: 1, attempt: 1 },
        vars: { region: 'eu', limits: { max: 3 } },
        forkedFrom: { runId: 'run-origin', seq: 7, step: 'draft' },
        carried: {
          research: { status: 'succeeded', agent: 'research@', input: 'i', output: 'o', attempt: 1 },
        },
      }),
    ],
    [l.stepStarted('draft')],
  ]),
};

describe('RunReadRepository: a run in detail', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let reads: RunReadRepository;
  const commits: StoredRunCommit[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('run_detail');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
    reads = new RunReadRepository(ds);
    const writer = new RunProjectionWriter(ds);
    let seq = 0;
    // Commit by commit, interleaved across runs, as the projector meets them.
    const queues = Object.values(RUNS).map((runCommits) => [...runCommits]);
    while (queues.some((q) => q.length > 0)) {
      for (const queue of queues) {
        const events = queue.shift();
        if (events === undefined) continue;
        const commit: StoredRunCommit = { runId: events[0].runId, prev: 0, seq: ++seq, events };
        commits.push(seq === 1 ? { ...commit, traceId: '4bf92f3577b34da6a3ce929d0e0e4736' } : commit);
        await writer.write(projectCommits([commits[commits.length - 1]]));
      }
    }
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  /** What the views hold of the run, folded from its commits without a database. */
  const expected = (runId: string): RunRecord => {
    const record = runRecordOf(runId, commits);
    if (record === null) throw new Error(`the fixture has no run ${runId}`);
    return record;
  };

  /** The field names of an answer, of its steps and of its checkpoint and failure, in order. */
  const fieldOrder = (run: object | null): unknown => {
    if (run === null) return null;
    const { steps, checkpoint, failure } = run as Partial<RunRecord>;
    return [
      Object.keys(run),
      steps?.map((step) => Object.keys(step)),
      checkpoint && Object.keys(checkpoint),
      failure && Object.keys(failure),
    ];
  };

  it.each(Object.entries(RUNS))('reads the %s run as its commits fold to', async (_, run) => {
    const runId = run[0][0].runId;
    const record = expected(runId);
    expect(await reads.findRunRecord(runId)).toEqual(record);
    const { parentRunId: _parent, vars: _vars, steps, ...detail } = record;
    const publicSteps = steps.map(({ kind: _k, items: _i, decision: _d, ...step }) => step);
    expect(await reads.findRun(runId)).toEqual({ ...detail, steps: publicSteps });
  });

  it.each(Object.entries(RUNS))('answers the %s run with its fields in order', async (_, run) => {
    const runId = run[0][0].runId;
    const record = expected(runId);
    expect(fieldOrder(await reads.findRunRecord(runId))).toEqual(fieldOrder(record));
    const { parentRunId: _parent, vars: _vars, steps, ...detail } = record;
    const publicSteps = steps.map(({ kind: _k, items: _i, decision: _d, ...step }) => step);
    expect(fieldOrder(await reads.findRun(runId))).toEqual(fieldOrder({ ...detail, steps: publicSteps }));
  });

  it('shows the state each run is in', async () => {
    expect((await reads.findRun('run-running'))?.status).toBe('running');
    expect(await reads.findRun('run-failed')).toMatchObject({
      status: 'failed',
      failure: { step: 'research', input: 'input of research #2', attempts: [{}, {}] },
    });
    expect((await reads.findRun('run-timed-out'))?.failure).toMatchObject({
      step: null,
      input: null,
      attempts: [],
    });
    expect(await reads.findRun('run-waiting')).toMatchObject({
      status: 'waiting',
      checkpoint: { step: 'review', message: 'Ship it?', deadline: expect.stringMatching(/Z$/) },
    });
    expect((await reads.findRun('run-decided'))?.checkpoint).toBeNull();
    expect((await reads.findRunRecord('run-foreach'))?.steps.map((s) => [s.stepId, s.kind, s.items])).toEqual(
      [
        ['each', 'foreach', ['A', 'B']],
        ['each[0]', 'item', null],
        ['each[1]', 'item', null],
      ],
    );
    expect((await reads.findRun('run-paused'))?.pausedAt).toMatchObject({
      step: 'draft',
      input: 'draft this',
    });
    expect(await reads.findRunRecord('run-forked')).toMatchObject({
      parentRunId: 'run-parent',
      vars: { region: 'eu' },
      forkedFrom: { runId: 'run-origin', seq: 7, step: 'draft' },
      debug: true,
    });
    expect((await reads.findRun('run-running'))?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(await reads.findRun('run-none')).toBeNull();
    expect(await reads.findRunRecord('run-none')).toBeNull();
  });
});
