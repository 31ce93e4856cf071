import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DefinitionCatalog } from '@chainmail/catalog';
import { loadConfig } from '@chainmail/config';
import { makeRunEvent, runSubject, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { RunLog, type ConsumedMessage } from '@chainmail/event-log';
import {
  createDataSource,
  DeliveryRepository,
  encodeProjectionApplied,
  projectCommits,
  PROJECTION_APPLIED_SUBJECT,
  RunProjectionWriter,
} from '@chainmail/persistence';
import {
  CHAINMAIL_CONFIG,
  DATA_SOURCE,
  DEFINITION_CATALOG,
  EVENT_LOG_NAMES,
  NATS_CONNECTION,
  TELEMETRY,
} from '@chainmail/platform';
import { createTelemetry } from '@chainmail/telemetry';
import {
  createTestDatabase,
  isolatedEventLog,
  type IsolatedEventLog,
  type TestDatabase,
} from '@chainmail/testing';
import type { WorkflowDefinition } from '@chainmail/contracts';
import type { DataSource } from 'typeorm';
import { startSmtpSink, type SmtpSink } from '../../test/support/smtp-sink';
import { NotificationModule } from './notification.module';
import { DeliveriesDeferred, NotificationService } from './notification.service';
import { definitionOf, RunScript, SEED_YAML, seedWith } from './notification.fixture';

/**
 * The notification service against NATS, Postgres, a real SMTP sink and a real webhook receiver.
 * The run views it reads are written here as the projector writes them (same fold, same writer,
 * same announcement), commit by commit as the test appends, or later when a test holds them back.
 */

const SECRET = 'hook-secret';
const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

@Global()
@Module({})
class TestPlatformModule {
  static with(
    log: IsolatedEventLog,
    dataSource: DataSource,
    catalog: DefinitionCatalog,
    smtpUrl: string,
  ): DynamicModule {
    const providers = [
      { provide: NATS_CONNECTION, useValue: log.nc },
      { provide: EVENT_LOG_NAMES, useValue: log.names },
      { provide: DATA_SOURCE, useValue: dataSource },
      { provide: DEFINITION_CATALOG, useValue: catalog },
      { provide: CHAINMAIL_CONFIG, useValue: loadConfig({}, { smtpOutUrl: smtpUrl, webhookSecret: SECRET }) },
      { provide: TELEMETRY, useValue: createTelemetry() },
    ];
    return { module: TestPlatformModule, providers, exports: providers.map((p) => p.provide) };
  }
}

interface Hook {
  body: string;
  headers: IncomingMessage['headers'];
}

/** Answers webhooks with the statuses it is told, in turn (then 200), keeping what it got. */
async function startReceiver(): Promise<{ url: string; hooks: Hook[]; answers: number[]; server: Server }> {
  const hooks: Hook[] = [];
  const answers: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = answers.shift() ?? 200;
      res.end(res.statusCode === 200 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hooks, answers, server };
}

let db: TestDatabase;
let dataSource: DataSource;
let eventLog: IsolatedEventLog;
let sink: SmtpSink;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let app: TestingModule;
let runLog: RunLog;
let deliveries: DeliveryRepository;
const catalog = new DefinitionCatalog();
let catalogSeq = 0;

function publish(definition: WorkflowDefinition): WorkflowDefinition {
  catalog.apply(++catalogSeq, {
    type: 'WorkflowPublished',
    v: 1,
    at: new Date().toISOString(),
    data: { name: definition.name, version: 1, source: '', definition, publishedBy: 'test', owner: 'local' },
  });
  return definition;
}

/** Writes commits into the run views and announces them, as the projector does after a batch. */
async function project(commits: StoredRunCommit[]): Promise<void> {
  const batch = projectCommits(commits);
  await new RunProjectionWriter(dataSource).write(batch);
  eventLog.nc.publish(eventLog.names.subject(PROJECTION_APPLIED_SUBJECT), encodeProjectionApplied(batch));
}

/** Appends the run's commits in order, each projected into the views unless held back; returns them as stored. */
async function append(
  commits: RunEvent[][],
  options: { project?: boolean } = {},
): Promise<StoredRunCommit[]> {
  let prev = 0;
  const stored: StoredRunCommit[] = [];
  for (const [i, events] of commits.entries()) {
    const runId = events[0].runId;
    const { seq } = await runLog.append({ runId, prev, events }, `${runId}-${i}`);
    stored.push({ runId, prev, events, seq });
    if (options.project !== false) await project([stored[stored.length - 1]]);
    prev = seq;
  }
  return stored;
}

/** A commit as the consumer hands it over, for redelivering it by hand. */
function asMessage(commit: StoredRunCommit, redeliveryCount = 1): ConsumedMessage {
  const data = new TextEncoder().encode(
    JSON.stringify({ runId: commit.runId, prev: commit.prev, events: commit.events }),
  );
  return {
    subject: runSubject(commit.runId),
    seq: commit.seq,
    data,
    json: <T>() => JSON.parse(new TextDecoder().decode(data)) as T,
    headers: {},
    redeliveryCount,
    working: () => undefined,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mailsOf = (runId: string) =>
  sink.mails.filter((m) => m.parsed.headers.get('x-chainmail-run-id') === runId);

async function settled(
  runId: string,
  count: number,
): Promise<Awaited<ReturnType<DeliveryRepository['listForRun']>>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const rows = await deliveries.listForRun(runId);
    if (rows.length >= count && rows.every((r) => r.status === 'sent' || r.status === 'failed')) return rows;
    if (Date.now() > deadline)
      throw new Error(`deliveries of ${runId} did not settle: ${JSON.stringify(rows)}`);
    await sleep(50);
  }
}

beforeAll(async () => {
  [db, eventLog, sink, receiver] = await Promise.all([
    createTestDatabase('notification'),
    isolatedEventLog(),
    startSmtpSink(),
    startReceiver(),
  ]);
  dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 6 });
  app = await Test.createTestingModule({
    imports: [
      TestPlatformModule.with(eventLog, dataSource, catalog, sink.url),
      NotificationModule.register({
        concurrency: 8,
        mailRetry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 400 },
        webhookRetry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 400 },
        recheckDelayMs: () => 100,
      }),
    ],
  })
    .setLogger(quiet)
    .compile();
  await app.init();
  runLog = new RunLog(eventLog.nc, eventLog.names);
  deliveries = new DeliveryRepository(dataSource);
});

afterAll(async () => {
  await app?.close();
  await dataSource?.destroy();
  await eventLog?.cleanup();
  await db?.drop();
  await sink?.close();
  receiver?.server.close();
});

beforeEach(() => {
  sink.accept();
});

describe('mail', () => {
  it('acknowledges an emailed run, then answers it in its thread with the report and the footer', async () => {
    const run = new RunScript('mail-1', publish(definitionOf(SEED_YAML)));
    await append(run.seedRun('# Report\n\nAcme leads.', 45_000));
    await settled('mail-1', 2);
    const [ack, done] = mailsOf('mail-1');
    expect(ack.parsed.subject).toBe('Chainmail is working on it: competitor-analysis');
    expect(done.parsed.subject).toBe('Re: CRM competitors');
    for (const mail of [ack, done]) {
      expect(mail.envelope.to).toEqual(['jane@acme.example']);
      expect(mail.header('in-reply-to')).toBe('<req-1@acme.example>');
      expect(mail.header('references')).toBe('<older@acme.example> <req-1@acme.example>');
    }
    expect(done.parsed.messageId).toBe('<mail-1.done@chainmail.local>');
    expect(done.parsed.text).toBe(
      '# Report\n\nAcme leads.\n\n---\nWorkflow: competitor-analysis\nSteps completed: 4/4\nTotal time: 45 seconds\nAgents used: research@, summarize@, write-report@, proofread@\n',
    );
    expect(done.parsed.html).toContain('<h1>Report</h1>');
    expect(await deliveries.listForRun('mail-1')).toMatchObject([
      { id: 'mail-1/ack', status: 'sent', attempts: 1, messageId: '<mail-1.ack@chainmail.local>' },
      { id: 'mail-1/done', status: 'sent', attempts: 1, recipient: 'jane@acme.example' },
    ]);
  });

  it('writes nothing before the run views reach the commit it handles, then the mail from them', async () => {
    const run = new RunScript('mail-held', publish(definitionOf(SEED_YAML)));
    const stored = await append(run.seedRun('held report', 3_000), { project: false });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsOf('mail-held')).toEqual([]);
    await project(stored);
    await settled('mail-held', 2);
    expect(mailsOf('mail-held').map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: competitor-analysis',
      'Re: CRM competitors',
    ]);
    expect(mailsOf('mail-held')[1].parsed.text).toContain('Steps completed: 4/4');
  });

  it('sends nothing more when the terminal commit is delivered again, even by several replicas at once', async () => {
    const run = new RunScript('mail-2', publish(definitionOf(SEED_YAML)));
    const stored = await append(run.seedRun('report two', 1_000));
    await settled('mail-2', 2);
    const service = app.get(NotificationService);
    const last = stored[stored.length - 1];
    await Promise.all([
      service.handle(asMessage(last)),
      service.handle(asMessage(last, 2)),
      service.handle(asMessage(stored[0])),
    ]);
    await sleep(200);
    expect(mailsOf('mail-2').map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: competitor-analysis',
      'Re: CRM competitors',
    ]);
  });

  it('sends the mails a run owes in order when a replica gets its last commit first, and once when the rest arrive', async () => {
    const service = app.get(NotificationService);
    await service.stop();
    const run = new RunScript('order-1', publish({ ...definitionOf(SEED_YAML), name: 'ordered' }));
    const stored = await append(run.seedRun('ordered report', 5_000));
    const last = stored[stored.length - 1];
    // Two replicas at once: one claims each mail, the other is told to come back (a redelivery).
    const redeliverUntilSettled = async (): Promise<void> => {
      for (let n = 0; ; n++) {
        try {
          return await service.handle(asMessage(last, n));
        } catch (err) {
          if (!(err instanceof DeliveriesDeferred) || n > 50) throw err;
          await sleep(20);
        }
      }
    };
    await Promise.all([redeliverUntilSettled(), redeliverUntilSettled()]).finally(() => service.start());
    expect(mailsOf('order-1').map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: ordered',
      'Re: CRM competitors',
    ]);
    await sleep(300);
    expect(mailsOf('order-1')).toHaveLength(2);
  });

  it('streams a mail per finished step in the run thread, then the final one, in order', async () => {
    const run = new RunScript(
      'stream-1',
      publish({ ...seedWith('mode: streaming\noutput: "{{review.output}}"\n'), name: 'streamer' }),
    );
    await append(run.seedRun('final report', 4_000));
    await settled('stream-1', 6);
    const mails = mailsOf('stream-1');
    expect(mails.map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: streamer',
      'Step 1/4 done: research',
      'Step 2/4 done: summarize',
      'Step 3/4 done: draft',
      'Step 4/4 done: review',
      'Re: CRM competitors',
    ]);
    expect(new Set(mails.map((m) => m.header('in-reply-to')))).toEqual(new Set(['<req-1@acme.example>']));
    expect(mails[2].parsed.messageId).toBe('<stream-1.step-summarize-1@chainmail.local>');
  });

  it('keeps trying while the SMTP server says "try later", and sends once it takes mail again', async () => {
    sink.refuse(451, 'Mailbox busy, try later');
    const refusedBefore = sink.refusals;
    const run = new RunScript('retry-1', publish(definitionOf(SEED_YAML)));
    await append(run.seedRun('report three', 2_000));
    const deadline = Date.now() + 5_000;
    while (sink.refusals < refusedBefore + 2 && Date.now() < deadline) await sleep(20);
    // The refusal is recorded just after the SMTP answer: wait for the row to say so.
    let [ack] = await deliveries.listForRun('retry-1');
    while (ack?.status !== 'retrying' && Date.now() < deadline) {
      await sleep(20);
      [ack] = await deliveries.listForRun('retry-1');
    }
    expect(mailsOf('retry-1')).toHaveLength(0);
    expect(ack).toMatchObject({ status: 'retrying' });
    expect(ack.lastError).toContain('451');
    sink.accept();
    const rows = await settled('retry-1', 2);
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(rows[0].attempts).toBeGreaterThanOrEqual(2);
    expect(mailsOf('retry-1').map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: competitor-analysis',
      'Re: CRM competitors',
    ]);
  });

  it('keeps trying while the SMTP server is down (connection refused), and sends once it is back', async () => {
    const port = sink.port;
    await sink.close();
    const run = new RunScript('down-1', publish({ ...definitionOf(SEED_YAML), name: 'while-down' }));
    await append(run.seedRun('report four', 2_000));
    const deadline = Date.now() + 5_000;
    let rows = await deliveries.listForRun('down-1');
    while (!(rows[0]?.status === 'retrying' && rows[0].attempts >= 2) && Date.now() < deadline) {
      await sleep(20);
      rows = await deliveries.listForRun('down-1');
    }
    expect(rows[0]).toMatchObject({ kind: 'ack', status: 'retrying' });
    expect(rows[0].lastError).toContain('ECONNREFUSED');
    sink = await startSmtpSink(port);
    const settledRows = await settled('down-1', 2);
    expect(settledRows.map((r) => r.status)).toEqual(['sent', 'sent']);
    expect(mailsOf('down-1').map((m) => m.parsed.subject)).toEqual([
      'Chainmail is working on it: while-down',
      'Re: CRM competitors',
    ]);
  });

  it('records a permanent refusal as failed, with the reason, without retrying', async () => {
    sink.refuse(550, 'No such user here');
    const run = new RunScript('perm-1', publish(definitionOf(SEED_YAML)));
    await append([
      [run.started(), run.stepStarted('research')],
      [run.stepFailed('research'), run.failed('research')],
    ]);
    const rows = await settled('perm-1', 2);
    expect(rows.map((r) => [r.kind, r.status, r.attempts])).toEqual([
      ['ack', 'failed', 1],
      ['failed', 'failed', 1],
    ]);
    expect(rows[1].lastError).toContain('550');
    expect(rows[1].subject).toBe('Competitor Analysis Failed');
  });
});

describe('webhooks', () => {
  const hookDefinition = (name: string, url: string): WorkflowDefinition =>
    publish({ ...seedWith(`output:\n  format: webhook\n  url: "${url}"\n`), name });

  it('posts the outcome signed with HMAC-SHA256 and an idempotency key; a 500 is retried', async () => {
    receiver.answers.push(500);
    const before = receiver.hooks.length;
    const run = new RunScript('hook-1', hookDefinition('hooked', `${receiver.url}/in`));
    await append(run.seedRun('hook report', 3_000));
    const [row] = await settled('hook-1', 1);
    expect(row).toMatchObject({
      channel: 'webhook',
      status: 'sent',
      attempts: 2,
      recipient: `${receiver.url}/in`,
    });
    const hooks = receiver.hooks.slice(before);
    expect(hooks).toHaveLength(2);
    const { body, headers } = hooks[1];
    expect(headers['x-chainmail-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    );
    expect(headers['idempotency-key']).toBe('hook-1/webhook');
    expect(headers['content-type']).toBe('application/json');
    expect(hooks[0].body).toBe(body);
    const payload = JSON.parse(body) as Record<string, unknown>;
    expect(payload).toMatchObject({
      runId: 'hook-1',
      workflow: 'hooked',
      version: 1,
      status: 'succeeded',
      output: 'hook report',
      error: null,
      durationMs: 3_000,
    });
    expect(
      (payload.steps as { id: string; status: string; agent: string }[]).map((s) => [
        s.id,
        s.status,
        s.agent,
      ]),
    ).toEqual([
      ['research', 'succeeded', 'research@'],
      ['summarize', 'succeeded', 'summarize@'],
      ['draft', 'succeeded', 'write-report@'],
      ['review', 'succeeded', 'proofread@'],
    ]);
    expect(mailsOf('hook-1')).toHaveLength(0);
  });

  it('records a receiver that keeps failing as failed after the last attempt, and a 4xx at once', async () => {
    receiver.answers.push(503, 503, 503);
    const run = new RunScript('hook-2', hookDefinition('hooked-2', `${receiver.url}/down`));
    await append(run.seedRun('x', 10));
    const [row] = await settled('hook-2', 1);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.lastError).toContain('503');
    expect(row.lastError).toContain('gave up after 3 attempts');

    receiver.answers.push(410);
    const gone = new RunScript('hook-3', hookDefinition('hooked-3', `${receiver.url}/gone`));
    await append(gone.seedRun('x', 10));
    const [goneRow] = await settled('hook-3', 1);
    expect(goneRow).toMatchObject({ status: 'failed', attempts: 1 });
    expect(goneRow.lastError).toContain('410');
  });
});

describe('checkpoints', () => {
  const REVIEW = (url: string) => `
name: contract-review
steps:
  - id: draft
    agent: write-contract@
    input: "Draft a contract"
  - id: review
    type: checkpoint
    message: "Review the draft"
    timeout: 24h
    approvers: [owner, "team:t-legal", carol@acme.example]
    notify: [mail, webhook]
  - id: send
    agent: email-sender@
    input: "{{draft.output}}"
output:
  format: webhook
  url: ${url}/checkpoints
`;

  it('tells every approver by mail (owner and team resolved to addresses) and by webhook, once', async () => {
    await dataSource.query(
      `INSERT INTO users (id, name, email) VALUES ('u-ann', 'Ann', 'Ann@Acme.example'),
         ('u-bob', 'Bob', 'bob@acme.example'), ('u-nomail', 'No Mail', NULL)`,
    );
    await dataSource.query(`INSERT INTO teams (id, name) VALUES ('t-legal', 'Legal')`);
    await dataSource.query(
      `INSERT INTO team_members (team_id, user_id, role) VALUES ('t-legal', 'u-bob', 'viewer'), ('t-legal', 'u-nomail', 'viewer')`,
    );
    publish(definitionOf(REVIEW(receiver.url)));
    const at = (ms: number) => new Date(Date.parse('2030-02-01T09:00:00.000Z') + ms).toISOString();
    const runId = 'cp-1';
    const commits: RunEvent[][] = [
      [
        makeRunEvent('RunStarted', runId, at(0), {
          workflow: 'contract-review',
          version: 1,
          inputs: {},
          trigger: { kind: 'api' },
          owner: 'user:u-ann',
          actor: 'u-ann',
          debug: false,
          commandId: 'start-cp-1',
          timeoutMs: 600_000,
        }),
        makeRunEvent('StepStarted', runId, at(0), {
          stepId: 'draft',
          visit: 1,
          attempt: 1,
          agent: 'write-contract@',
        }),
      ],
      [
        makeRunEvent('StepSucceeded', runId, at(1000), {
          stepId: 'draft',
          visit: 1,
          attempt: 1,
          output: 'SERVICES AGREEMENT',
          durationMs: 1000,
        }),
        makeRunEvent('StepStarted', runId, at(1000), {
          stepId: 'review',
          visit: 1,
          attempt: 1,
          kind: 'checkpoint',
        }),
        makeRunEvent('CheckpointOpened', runId, at(1000), {
          stepId: 'review',
          visit: 1,
          message: 'Review the draft',
          timeoutMs: 86_400_000,
          approvers: ['owner', 'team:t-legal', 'carol@acme.example'],
          actions: { approve: 'continue', reject: 'abort', edit: 'continue' },
        }),
      ],
    ];
    const stored = await append(commits);
    const rows = await settled(runId, 2);
    expect(rows.map((r) => [r.kind, r.channel, r.status, r.recipient])).toEqual(
      expect.arrayContaining([
        ['checkpoint-review-1', 'email', 'sent', 'ann@acme.example, bob@acme.example, carol@acme.example'],
        ['checkpoint-review-1-webhook', 'webhook', 'sent', `${receiver.url}/checkpoints`],
      ]),
    );
    const mails = mailsOf(runId);
    expect(mails.map((m) => m.envelope.to[0]).sort()).toEqual([
      'ann@acme.example',
      'bob@acme.example',
      'carol@acme.example',
    ]);
    for (const mail of mails) {
      expect(mail.parsed.messageId).toBe('<cp-1.review.1.approval@chainmail.local>');
      expect(mail.header('reply-to')).toBe('approvals@chainmail.local');
      expect(mail.parsed.text).toContain('SERVICES AGREEMENT');
    }
    const hook = receiver.hooks.find((h) => h.headers['x-chainmail-run-id'] === runId);
    expect(hook?.headers['x-chainmail-event']).toBe('checkpoint.waiting');
    expect(hook?.headers['x-chainmail-signature']).toBe(
      `sha256=${createHmac('sha256', SECRET)
        .update(hook?.body ?? '')
        .digest('hex')}`,
    );
    expect(JSON.parse(hook?.body ?? '{}')).toMatchObject({
      event: 'checkpoint.waiting',
      runId,
      checkpoint: {
        step: 'review',
        approvers: ['ann@acme.example', 'bob@acme.example', 'carol@acme.example'],
        deadline: at(1000 + 86_400_000),
      },
      produced: [{ stepId: 'draft', output: 'SERVICES AGREEMENT' }],
    });

    // Redelivered, by several replicas at once: nothing more is sent.
    const service = app.get(NotificationService);
    await Promise.all([service.handle(asMessage(stored[1])), service.handle(asMessage(stored[1], 2))]);
    await sleep(200);
    expect(mailsOf(runId)).toHaveLength(3);
    expect(receiver.hooks.filter((h) => h.headers['x-chainmail-run-id'] === runId)).toHaveLength(1);
  });
});
