import { makeRunEvent, type StoredRunCommit } from '@chainmail/contracts';
import {
  createTestDatabase,
  isolatedEventLog,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { projectCommits } from './run-projection';
import {
  announceProjectionApplied,
  encodeProjectionApplied,
  PROJECTION_APPLIED_SUBJECT,
  ProjectionWatermark,
} from './run-projection.watermark';
import { RunProjectionWriter } from './run-projection.writer';
import { RunReadRepository } from './run-read.repository';
import { RunLogFixture } from './testing/run-commits.fixture';

/** Read-your-writes on the run views, against NATS and Postgres: the projector's side is played by hand. */
describe('ProjectionWatermark', () => {
  let db: TestDatabase;
  let ds: DataSource;
  let eventLog: IsolatedEventLog;
  let writer: RunProjectionWriter;
  let reads: RunReadRepository;
  let watermark: ProjectionWatermark;
  let subject: string;

  beforeAll(async () => {
    [db, eventLog] = await Promise.all([createTestDatabase('watermark'), isolatedEventLog()]);
    ds = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
    writer = new RunProjectionWriter(ds);
    reads = new RunReadRepository(ds);
    subject = eventLog.names.subject(PROJECTION_APPLIED_SUBJECT);
    watermark = new ProjectionWatermark(eventLog.nc, subject, (id) => reads.runSequence(id));
    await eventLog.nc.flush();
  });
  afterAll(async () => {
    watermark?.close();
    await ds?.destroy();
    await eventLog?.cleanup();
    await db?.drop();
  });

  /** What the projector does with a batch: write it, then announce it. */
  async function project(commits: StoredRunCommit[], announce = true): Promise<void> {
    const batch = projectCommits(commits);
    await writer.write(batch);
    if (announce) eventLog.nc.publish(subject, encodeProjectionApplied(batch));
  }

  it('waits for the batch that brings the run, and answers at once when the views have it', async () => {
    const log = new RunLogFixture('fresh');
    const waiting = watermark.waitForRun('fresh', 2, 5_000);
    await new Promise((r) => setTimeout(r, 50));
    await project([log.commit(1, log.started())]);
    await new Promise((r) => setTimeout(r, 50));
    let settled = false;
    void waiting.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // sequence 1 is not yet 2
    await project([log.commit(2, log.stepStarted('first'))]);
    await expect(waiting).resolves.toBe(true);
    expect((await reads.findRun('fresh'))?.steps.map((s) => s.stepId)).toEqual(['first']);
    await expect(watermark.waitForRun('fresh', 2, 0)).resolves.toBe(true);
  });

  it('hears a batch announced in this process over its connection at once, and once', async () => {
    const log = new RunLogFixture('here');
    const batch = projectCommits([log.commit(1, log.started())]);
    await writer.write(batch);
    const heard: Record<string, number>[] = [];
    const stop = watermark.onApplied((applied) => heard.push(applied.runs));
    try {
      announceProjectionApplied(eventLog.nc, subject, batch);
      expect(heard).toEqual([{ here: 1 }]);
      // Its copy from the server, for the other processes, is skipped here.
      await eventLog.nc.flush();
      await new Promise((r) => setTimeout(r, 100));
      expect(heard).toEqual([{ here: 1 }]);
    } finally {
      stop();
    }
  });

  it('gives up after its time when the projector does not reach the run', async () => {
    await expect(watermark.waitForRun('never', 1, 100)).resolves.toBe(false);
    const stop = new AbortController();
    const aborted = watermark.waitForRun('never', 1, 60_000, stop.signal);
    stop.abort();
    await expect(aborted).resolves.toBe(false);
  });

  it('a lost announcement costs the wait, not the answer: the deadline re-checks Postgres', async () => {
    const log = new RunLogFixture('unannounced');
    const waiting = watermark.waitForRun('unannounced', 1, 300);
    await project([log.commit(10, log.started())], false);
    await expect(waiting).resolves.toBe(true);
  });

  it('waitUntil follows a run batch by batch until the views show what the caller waits for', async () => {
    const log = new RunLogFixture('review');
    const at = log.at();
    await project([
      log.commit(20, log.started()),
      log.commit(
        21,
        log.stepStarted('check'),
        makeRunEvent('CheckpointOpened', 'review', at, {
          stepId: 'check',
          visit: 1,
          message: 'ok?',
        }),
      ),
    ]);
    expect(await reads.checkpoint('review', 'check')).toMatchObject({
      open: true,
      visit: 1,
      owner: 'team-a',
    });
    const closed = watermark.waitUntil(
      'review',
      async () => (await reads.checkpoint('review', 'check'))?.open === false,
      5_000,
    );
    await project([log.commit(22, log.stepStarted('other'))]); // another step: still open
    await project([
      log.commit(
        23,
        makeRunEvent('CheckpointResolved', 'review', at, {
          stepId: 'check',
          visit: 1,
          action: 'approve',
          by: 'a',
        }),
        log.stepSucceeded('check'),
      ),
    ]);
    await expect(closed).resolves.toBe(true);
    expect(await reads.checkpoint('review', 'check')).toMatchObject({ open: false });
    expect(await reads.checkpoint('review', 'missing')).toBeNull();
  });

  it('keeps an email agent\u2019s mail by attempt and says whether the attempt still waits', async () => {
    const log = new RunLogFixture('mailer');
    const key = { stepId: 'ask', visit: 1, attempt: 1 };
    await project([
      log.commit(30, log.started(), log.stepStarted('ask')),
      log.commit(
        31,
        makeRunEvent('AgentMailSent', 'mailer', log.at(), {
          ...key,
          agent: 'ask@',
          messageId: '<mailer.ask.1.1@x>',
          to: 'ask@mail.example',
          subject: 's',
        }),
      ),
    ]);
    expect(await reads.agentMail('mailer', 'ask', 1, 1)).toEqual({
      workflow: 'digest',
      messageId: '<mailer.ask.1.1@x>',
      agent: 'ask@',
      to: 'ask@mail.example',
      replyMessageId: null,
      waiting: true,
    });
    expect(await reads.agentMail('mailer', 'ask', 1, 2)).toMatchObject({ messageId: null, waiting: false });
    expect(await reads.agentMail('nobody', 'ask', 1, 1)).toBeNull();
    await project([
      log.commit(
        32,
        makeRunEvent('AgentReplyReceived', 'mailer', log.at(), {
          ...key,
          from: 'ask@mail.example',
          messageId: '<a@x>',
        }),
        log.stepSucceeded('ask'),
      ),
    ]);
    expect(await reads.agentMail('mailer', 'ask', 1, 1)).toMatchObject({
      replyMessageId: '<a@x>',
      waiting: false,
    });
  });

  it('tells its listeners which runs each batch wrote, until they stop listening', async () => {
    const log = new RunLogFixture('listened');
    const heard: Array<Record<string, number>> = [];
    const stop = watermark.onApplied((applied) => heard.push(applied.runs));
    const waiting = watermark.waitForRun('listened', 1, 5_000);
    await project([log.commit(1, log.started())]);
    await waiting;
    expect(heard).toContainEqual({ listened: 1 });
    stop();
    // A listener still in place hears the next batch; the one that stopped does not.
    const next = new Promise<void>((resolve) => {
      const off = watermark.onApplied((applied) => {
        if (applied.runs.listened !== 2) return;
        off();
        resolve();
      });
    });
    await project([log.commit(2, log.stepStarted('a'))]);
    await next;
    expect(heard.filter((runs) => 'listened' in runs)).toEqual([{ listened: 1 }]);
  });
});
