import fc from 'fast-check';
import { makeRunEvent, type StoredRunCommit } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { projectCommits, type ProjectionBatch } from './run-projection';
import { RunProjectionProgress } from './run-projection.progress';
import { RunProjectionWriter } from './run-projection.writer';
import { RunReadRepository } from './run-read.repository';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import { RunLogFixture } from './testing/run-commits.fixture';

/**
 * Three runs with a retry, a skip, a second visit, a failure, a decided checkpoint and an email
 * agent's mail and reply: every merge rule is exercised.
 */
function sampleLog(): StoredRunCommit[] {
  const a = new RunLogFixture('run-a');
  const b = new RunLogFixture('run-b');
  const c = new RunLogFixture('run-c');
  return [
    a.commit(1, a.started()),
    a.commit(2, a.stepStarted('research', 1)),
    b.commit(3, b.started('triage')),
    a.commit(4, a.stepFailed('research', 1)),
    a.commit(5, a.stepStarted('research', 2)),
    b.commit(6, b.stepStarted('classify'), b.stepSucceeded('classify')),
    a.commit(7, a.stepSucceeded('research', 2), a.stepSkipped('review'), a.stepStarted('draft', 1, 1)),
    a.commit(8, a.stepSucceeded('draft', 1, 1), a.stepStarted('draft', 1, 2)),
    b.commit(9, b.stepStarted('route'), b.stepFailed('route', 1, 1, false)),
    a.commit(10, a.stepSucceeded('draft', 1, 2)),
    b.commit(11, b.failed('route')),
    a.commit(12, a.succeeded('final report')),
    c.commit(13, c.started(), c.stepStarted('ask'), c.stepStarted('review')),
    c.commit(
      14,
      makeRunEvent('AgentMailSent', 'run-c', c.at(), {
        stepId: 'ask',
        visit: 1,
        attempt: 1,
        agent: 'ask@',
        messageId: '<run-c.ask.1.1@x>',
        to: 'ask@mail.example',
        subject: 's',
      }),
      makeRunEvent('CheckpointOpened', 'run-c', c.at(), { stepId: 'review', visit: 1, message: 'ok?' }),
    ),
    c.commit(
      15,
      makeRunEvent('AgentReplyReceived', 'run-c', c.at(), {
        stepId: 'ask',
        visit: 1,
        attempt: 1,
        from: 'ask@mail.example',
      }),
      c.stepSucceeded('ask'),
      makeRunEvent('CheckpointResolved', 'run-c', c.at(), {
        stepId: 'review',
        visit: 1,
        action: 'approve',
        by: 'alice',
      }),
    ),
  ];
}

describe('RunProjectionWriter', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let writer: RunProjectionWriter;
  let reads: RunReadRepository;

  beforeAll(async () => {
    db = await createTestDatabase('writer');
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    writer = new RunProjectionWriter(ds);
    reads = new RunReadRepository(ds);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });
  beforeEach(() => writer.truncate());

  /** Every column of every row, in a stable order: the thing that must not move backwards. */
  async function dump(): Promise<unknown> {
    return {
      runs: await ds.query('SELECT * FROM runs ORDER BY id'),
      steps: await ds.query('SELECT * FROM run_steps ORDER BY run_id, step_id'),
      mails: await ds.query('SELECT * FROM run_agent_mails ORDER BY run_id, step_id, visit, attempt'),
      attempts: await ds.query(
        'SELECT * FROM analytics_step_attempts ORDER BY run_id, step_id, visit, attempt',
      ),
      waits: await ds.query('SELECT * FROM analytics_checkpoint_waits ORDER BY run_id, step_id, visit'),
    };
  }

  async function writeAllAtOnce(): Promise<unknown> {
    await writer.truncate();
    await writer.write(projectCommits(sampleLog()));
    const expected = await dump();
    await writer.truncate();
    return expected;
  }

  it('writes a run and its steps as the log describes them', async () => {
    await writer.write(projectCommits(sampleLog()));

    const a = await reads.findRun('run-a');
    expect(a).toMatchObject({
      workflow: 'digest',
      version: 3,
      status: 'succeeded',
      owner: 'team-a',
      actor: 'alice',
      trigger: { kind: 'api', details: { path: '/v1' } },
      inputs: { topic: 'crm' },
      output: 'final report',
      error: null,
      durationMs: 1234,
      stepsTotal: 3,
      stepsSucceeded: 2,
      lastSeq: 12,
    });
    expect(a?.steps.map((s) => [s.stepId, s.status, s.visit, s.attempts, s.position])).toEqual([
      ['research', 'succeeded', 1, 2, 0],
      ['review', 'skipped', 1, 0, 1],
      ['draft', 'succeeded', 2, 1, 2],
    ]);
    expect(a?.steps[0]).toMatchObject({
      input: 'input of research #2',
      output: 'output of research #2',
      error: null,
    });
    expect(a?.steps[1]).toMatchObject({ skipReason: 'condition false', agent: null });

    const b = await reads.findRun('run-b');
    expect(b).toMatchObject({
      workflow: 'triage',
      status: 'failed',
      error: { code: 'STEP_FAILED', stepId: 'route' },
      stepsTotal: 2,
      stepsSucceeded: 1,
      lastSeq: 11,
    });
    expect(await reads.checkpoint('run-c', 'review')).toMatchObject({ open: false, visit: 1 });
    expect((await reads.findRunRecord('run-c'))?.steps.find((s) => s.stepId === 'review')?.decision).toEqual({
      action: 'approve',
      by: 'alice',
      // An event of before `via` says nothing of it (it came through the API).
      at: expect.any(String) as string,
    });
    expect(await reads.agentMail('run-c', 'ask', 1, 1)).toMatchObject({
      messageId: '<run-c.ask.1.1@x>',
      to: 'ask@mail.example',
      waiting: false,
    });
    expect(await writer.checkpoint()).toBe(15);
    expect(
      await ds.query(
        `SELECT step_id, visit, attempt, status, agent, error_code, duration_ms::integer AS ms,
                (prompt_tokens + completion_tokens)::integer AS tokens
         FROM analytics_step_attempts WHERE run_id = 'run-a' ORDER BY step_id, visit, attempt`,
      ),
    ).toEqual([
      {
        step_id: 'draft',
        visit: 1,
        attempt: 1,
        status: 'succeeded',
        agent: 'draft@',
        error_code: null,
        ms: 40,
        tokens: 15,
      },
      {
        step_id: 'draft',
        visit: 2,
        attempt: 1,
        status: 'succeeded',
        agent: 'draft@',
        error_code: null,
        ms: 40,
        tokens: 15,
      },
      {
        step_id: 'research',
        visit: 1,
        attempt: 1,
        status: 'failed',
        agent: 'research@',
        error_code: 'AGENT_TIMEOUT',
        ms: 30,
        tokens: null,
      },
      {
        step_id: 'research',
        visit: 1,
        attempt: 2,
        status: 'succeeded',
        agent: 'research@',
        error_code: null,
        ms: 40,
        tokens: 15,
      },
    ]);
    expect(
      await ds.query(
        `SELECT step_id, visit, action, resolved_at > opened_at AS waited FROM analytics_checkpoint_waits`,
      ),
    ).toEqual([{ step_id: 'review', visit: 1, action: 'approve', waited: true }]);
  });

  it('keeps any text as it was: quotes, backslashes, dollar placeholders, JSON, emoji', async () => {
    const tricky = `it's a \\path\\ with $1 and $$ and E'x' "quoted" {"a":[1]} \u2028 😀 ;-- DROP TABLE runs;`;
    const log = new RunLogFixture(`run-'$1\\`);
    const step = log.stepStarted('draft');
    (step.data as { input?: string }).input = tricky;
    await writer.write(
      projectCommits([
        log.commit(1, log.started()),
        log.commit(
          2,
          step,
          makeRunEvent('RunSucceeded', log.runId, log.at(), { output: tricky, durationMs: 1 }),
        ),
      ]),
    );
    expect(await ds.query('SELECT id, status, output FROM runs')).toEqual([
      { id: log.runId, status: 'succeeded', output: tricky },
    ]);
    expect(await ds.query('SELECT run_id, input FROM run_steps')).toEqual([
      { run_id: log.runId, input: tricky },
    ]);
  });

  it('keeps any text as it was in a large batch too, which goes with bound parameters', async () => {
    const tricky = `it's a \\path\\ with $1 and E'x' "quoted" {"a":[1]} 😀 ;-- DROP TABLE runs;`;
    const commits: StoredRunCommit[] = [];
    for (let r = 0; r < 40; r++) {
      const log = new RunLogFixture(`large-'${r}\\`);
      commits.push(
        log.commit(2 * r + 1, log.started()),
        log.commit(
          2 * r + 2,
          makeRunEvent('RunSucceeded', log.runId, log.at(), { output: tricky, durationMs: 1 }),
        ),
      );
    }
    await writer.write(projectCommits(commits));
    const rows = (await ds.query('SELECT id, output FROM runs')) as Array<{ id: string; output: string }>;
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r.output))).toEqual(new Set([tricky]));
    expect(rows.map((r) => r.id)).toContain("large-'7\\");
  });

  it('writing the same batch twice leaves every row as it was', async () => {
    const batch = projectCommits(sampleLog());
    await writer.write(batch);
    const once = await dump();
    await writer.write(batch);
    expect(await dump()).toEqual(once);
  });

  it('an older batch after a newer one only fills gaps, never moves a row backwards', async () => {
    const expected = await writeAllAtOnce();
    const log = sampleLog();
    const older = projectCommits(log.slice(0, 6));
    const newer = projectCommits(log.slice(6));

    await writer.write(newer);
    const newerOnly = await reads.findRun('run-a');
    // Seen alone, the newer half knows draft's second visit but not the run's facts.
    expect(newerOnly).toMatchObject({ status: 'succeeded', workflow: '', output: 'final report' });

    await writer.write(older);
    expect(await dump()).toEqual(expected);
    await writer.write(newer); // and its redelivery
    expect(await dump()).toEqual(expected);
    expect(await writer.checkpoint()).toBe(15);
  });

  it('a redelivered failed attempt does not bring its error back to the retried step', async () => {
    const log = new RunLogFixture('r1');
    const first = projectCommits([
      log.commit(1, log.started(), log.stepStarted('s', 1), log.stepFailed('s', 1)),
    ]);
    const second = projectCommits([log.commit(2, log.stepStarted('s', 2))]);
    await writer.write(first);
    await writer.write(second);
    await writer.write(first);

    const [step] = (await reads.findRun('r1'))?.steps ?? [];
    expect(step).toMatchObject({
      status: 'running',
      attempts: 2,
      input: 'input of s #2',
      error: null,
      endedAt: null,
    });
  });

  it('debugging: paused with the resolved input, running again when stepped; a failure with every attempt; a rewind reopens the run', async () => {
    const log = new RunLogFixture('r1');
    const paused = makeRunEvent('RunPaused', 'r1', log.at(), { stepId: 's', visit: 1, input: 'the input' });
    const stepped = makeRunEvent('RunStepped', 'r1', log.at(), { stepId: 's', visit: 1, by: 'alice' });
    await writer.write(projectCommits([log.commit(1, log.started(), paused)]));
    expect(await reads.findRun('r1')).toMatchObject({
      status: 'paused',
      pausedAt: { step: 's', visit: 1, input: 'the input', at: paused.at },
    });
    await writer.write(projectCommits([log.commit(2, stepped, log.stepStarted('s', 1))]));
    expect(await reads.findRun('r1')).toMatchObject({ status: 'running', pausedAt: null });

    // Each attempt's error is kept, across batches, redeliveries included.
    await writer.write(projectCommits([log.commit(3, log.stepFailed('s', 1), log.stepStarted('s', 2))]));
    const lastTry = projectCommits([log.commit(4, log.stepFailed('s', 2, 1, false), log.failed('s'))]);
    await writer.write(lastTry);
    await writer.write(lastTry);
    const failed = await reads.findRun('r1');
    expect(failed?.status).toBe('failed');
    expect(failed?.failure).toMatchObject({
      step: 's',
      input: 'input of s #2',
      error: { stepId: 's' },
      attempts: [
        { attempt: 1, error: { retryable: true } },
        { attempt: 2, error: { retryable: false } },
      ],
    });

    const rewound = makeRunEvent('RunRewound', 'r1', log.at(), {
      toStep: 's',
      resetStepIds: ['s'],
      timeoutMs: 60_000,
      by: 'alice',
    });
    await writer.write(projectCommits([log.commit(5, rewound, log.stepStarted('s', 1, 2))]));
    const reopened = await reads.findRun('r1');
    expect(reopened).toMatchObject({ status: 'running', error: null, endedAt: null, failure: null });
    expect(reopened?.steps[0]).toMatchObject({ visit: 2, attempts: 1, status: 'running' });
  });

  it('a forked run shows where it came from and the results it took over', async () => {
    const log = new RunLogFixture('r2');
    const started = log.started();
    const forked = makeRunEvent('RunStarted', 'r2', started.at, {
      ...(started.data as Extract<typeof started, { type: 'RunStarted' }>['data']),
      forkedFrom: { runId: 'r1', seq: 4, step: 'b' },
      carried: { a: { status: 'succeeded', attempt: 1, output: 'from r1', input: 'in' } },
    });
    await writer.write(projectCommits([log.commit(1, forked, log.stepStarted('b'))]));
    const run = await reads.findRun('r2');
    expect(run?.forkedFrom).toEqual({ runId: 'r1', seq: 4, step: 'b' });
    expect(run?.steps.map((s) => [s.stepId, s.status, s.output])).toEqual([
      ['a', 'succeeded', 'from r1'],
      ['b', 'running', null],
    ]);
  });

  it('counters are recomputed, so redelivery cannot inflate them', async () => {
    const log = new RunLogFixture('r1');
    const batches = [
      projectCommits([log.commit(1, log.started(), log.stepStarted('a'), log.stepSucceeded('a'))]),
      projectCommits([log.commit(2, log.stepStarted('b'), log.stepSucceeded('b'))]),
    ];
    for (const batch of [...batches, ...batches, batches[0]]) await writer.write(batch);
    expect(await reads.findRun('r1')).toMatchObject({ stepsTotal: 2, stepsSucceeded: 2 });
  });

  it('any split into batches, delivered in any order with repeats, ends in the same rows', async () => {
    const expected = await writeAllAtOnce();
    const log = sampleLog();
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: log.length - 1 }), { maxLength: 5 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 12 }),
        async (cuts, picks) => {
          await writer.truncate();
          const bounds = [0, ...[...cuts].sort((x, y) => x - y), log.length];
          const batches = bounds.slice(1).map((end, i) => projectCommits(log.slice(bounds[i], end)));
          // Every batch once, in an order picked by `picks`, then some again (redeliveries).
          const order = [...batches.keys()].sort(
            (x, y) => (picks[x % picks.length] ?? 0) - (picks[y % picks.length] ?? 0) || x - y,
          );
          for (const i of order) await writer.write(batches[i]);
          for (const p of picks.slice(0, 3)) await writer.write(batches[p % batches.length]);
          expect(await dump()).toEqual(expected);
        },
      ),
      { numRuns: 40 },
    );
    // 40 rounds of several transactions each: more than jest's default 5 s on a busy machine.
  }, 60_000);

  it('concurrent writers of the same runs converge', async () => {
    const expected = await writeAllAtOnce();
    const log = sampleLog();
    const batches = [0, 3, 6, 9, 12].map((start) => projectCommits(log.slice(start, start + 3)));
    await Promise.all([...batches, ...batches].map((batch) => writer.write(batch)));
    expect(await dump()).toEqual(expected);
  });

  it('writes a batch of 500 commits in one quick transaction', async () => {
    const commits: StoredRunCommit[] = [];
    let seq = 0;
    for (let r = 0; r < 100; r++) {
      const log = new RunLogFixture(`bulk-${r}`);
      commits.push(log.commit(++seq, log.started()));
      for (const step of ['one', 'two', 'three']) {
        commits.push(log.commit(++seq, log.stepStarted(step), log.stepSucceeded(step)));
      }
      commits.push(log.commit(++seq, log.succeeded()));
    }
    const batch = projectCommits(commits);
    await writer.write(projectCommits(commits.slice(0, 10))); // warm the connection and plans

    await writer.write(batch);

    expect(await reads.countByStatus()).toEqual({
      running: 0,
      paused: 0,
      waiting: 0,
      succeeded: 100,
      failed: 0,
      cancelled: 0,
    });
  });

  it('a live batch finds its runs by key however many runs the table holds (no scan of every run)', async () => {
    const commits: StoredRunCommit[] = [];
    for (let r = 0; r < 2_000; r++) {
      const log = new RunLogFixture(`many-${r}`);
      commits.push(
        log.commit(2 * r + 1, log.started()),
        log.commit(2 * r + 2, log.stepStarted('one'), log.stepSucceeded('one'), log.succeeded()),
      );
    }
    await writer.write(projectCommits(commits));
    await ds.query('ANALYZE runs, run_steps');
    const one = new RunLogFixture('many-7');
    const batch = projectCommits([one.commit(9_999, one.stepStarted('two'))]);
    // The function's statements are planned once per connection and may then keep a generic plan
    // (one that knows no parameter): both kinds must probe the keys.
    for (const mode of ['force_custom_plan', 'force_generic_plan']) {
      const plans = await nestedPlans(mode, batch);
      expect(plans).toMatch(/Scan .*on runs\b/);
      expect(plans).toMatch(/Scan .*on run_steps\b/);
      expect(plans).not.toMatch(/Seq Scan on (runs|run_steps)\b/);
    }
  });

  /**
   * The plans of every statement that writing `batch` runs, the function's included, as
   * auto_explain reports them, with the plan cache in `planCacheMode`: the write goes through a
   * pool of one connection, set up for that first.
   */
  async function nestedPlans(planCacheMode: string, batch: ProjectionBatch): Promise<string> {
    const explained = await createDataSource(db.url, { poolSize: 1 });
    const runner = explained.createQueryRunner();
    const client = (await runner.connect()) as {
      on(event: 'notice', listener: (notice: { message?: string }) => void): void;
    };
    const plans: string[] = [];
    client.on('notice', (notice) => plans.push(notice.message ?? ''));
    try {
      await runner.query("LOAD 'auto_explain'");
      await runner.query('SET auto_explain.log_min_duration = 0');
      await runner.query('SET auto_explain.log_nested_statements = on');
      await runner.query('SET auto_explain.log_level = notice');
      await runner.query(`SET plan_cache_mode = ${planCacheMode}`);
      await runner.release();
      await new RunProjectionWriter(explained).write(batch);
    } finally {
      await explained.destroy();
    }
    return plans.join('\n');
  }

  it('a run waits while any checkpoint of its waits, in whatever batches and order the commits come', async () => {
    const log = new RunLogFixture('r-wait');
    const opened = (stepId: string) =>
      makeRunEvent('CheckpointOpened', 'r-wait', log.at(), {
        stepId,
        visit: 1,
        message: `check ${stepId}`,
        timeoutMs: 60_000,
        approvers: ['jane@acme.example', 'owner'],
        actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
      });
    const resolved = (stepId: string) =>
      makeRunEvent('CheckpointResolved', 'r-wait', log.at(), {
        stepId,
        visit: 1,
        action: 'approve',
        by: 'jane@acme.example',
        via: 'mail',
      });
    const commits = [
      log.commit(
        1,
        log.started(),
        log.stepStarted('legal'),
        opened('legal'),
        log.stepStarted('money'),
        opened('money'),
      ),
      log.commit(2, resolved('legal'), log.stepSucceeded('legal')),
      log.commit(3, resolved('money'), log.stepSucceeded('money')),
    ];
    await writer.write(projectCommits(commits.slice(0, 1)));
    const waiting = await reads.findRun('r-wait');
    expect(waiting?.status).toBe('waiting');
    expect(waiting?.steps.map((s) => s.status)).toEqual(['waiting', 'waiting']);
    expect(waiting?.checkpoint).toMatchObject({
      step: 'legal',
      visit: 1,
      message: 'check legal',
      approvers: ['jane@acme.example', 'owner'],
      actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
      deadline: expect.any(String) as string,
    });
    expect((await reads.listRuns({ status: 'waiting' })).runs.map((r) => r.id)).toEqual(['r-wait']);

    // The later decision first: one checkpoint still waits, so the run does too.
    await writer.write(projectCommits(commits.slice(2)));
    expect((await reads.findRun('r-wait'))?.status).toBe('waiting');
    await writer.write(projectCommits(commits.slice(1, 2)));
    const going = await reads.findRun('r-wait');
    expect(going).toMatchObject({ status: 'running', checkpoint: null });
    expect((await reads.findRunRecord('r-wait'))?.steps[0].decision).toMatchObject({
      action: 'approve',
      by: 'jane@acme.example',
      via: 'mail',
    });
    await writer.write(projectCommits([log.commit(4, log.succeeded())]));
    expect((await reads.findRun('r-wait'))?.status).toBe('succeeded');
  });

  it('records a replay target with the truncation, and counts the commits and events written since', async () => {
    const progress = new RunProjectionProgress(ds);
    const log = sampleLog();
    const events = log.reduce((n, c) => n + c.events.length, 0);
    await writer.truncate(log.length);
    const started = await progress.read();
    expect(started).toEqual({
      targetSeq: log.length,
      startedAt: expect.any(String),
      appliedSeq: 0,
      appliedEvents: 0,
    });

    await writer.write(projectCommits(log.slice(0, 5)));
    await writer.write(projectCommits(log.slice(5)));
    expect(await progress.read()).toEqual({ ...started, appliedSeq: log.length, appliedEvents: events });
    expect(await writer.checkpoint()).toBe(log.length);

    // Emptied without a replay asked for: no target, and the count starts over.
    await writer.truncate();
    expect(await progress.read()).toEqual({ appliedSeq: 0, appliedEvents: 0 });
  });
});
