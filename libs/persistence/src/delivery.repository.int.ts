import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from './data-source';
import { DeliveryRepository, type DeliveryIntent } from './delivery.repository';
import { CaughtMailRepository } from './caught-mail.repository';

let db: TestDatabase;
let dataSource: DataSource;
let deliveries: DeliveryRepository;

beforeAll(async () => {
  db = await createTestDatabase('deliveries');
  dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 4 });
  deliveries = new DeliveryRepository(dataSource);
});
afterAll(async () => {
  await dataSource?.destroy();
  await db?.drop();
});

const T0 = new Date('2030-01-01T00:00:00.000Z');
const later = (ms: number): Date => new Date(T0.getTime() + ms);
const intent = (runId: string, kind = 'done'): DeliveryIntent => ({
  id: `${runId}/${kind}`,
  runId,
  channel: 'email',
  kind,
  recipient: 'jane@acme.example',
  messageId: `<${runId}.${kind}@chainmail.local>`,
  subject: 'Competitor Analysis Complete',
});

describe('DeliveryRepository', () => {
  it('claims a delivery once: the second claim waits while it is sending, then sees it settled', async () => {
    const d = intent('r1');
    expect(await deliveries.claim(d, T0, 60_000)).toEqual({ outcome: 'claimed', attempt: 1 });
    expect(await deliveries.claim(d, later(10), 60_000)).toEqual({
      outcome: 'wait',
      until: later(60_000),
      busy: true,
    });
    await deliveries.markSent(d.id, later(20));
    expect(await deliveries.claim(d, later(30), 60_000)).toEqual({ outcome: 'settled', status: 'sent' });
    const [record] = await deliveries.listForRun('r1');
    expect(record).toMatchObject({
      id: 'r1/done',
      status: 'sent',
      attempts: 1,
      channel: 'email',
      sentAt: later(20).toISOString(),
    });
  });

  it('retries a transient failure only once it is due, counting attempts', async () => {
    const d = intent('r2');
    await deliveries.claim(d, T0, 60_000);
    await deliveries.markRetrying(d.id, '421 try later', later(1000), later(5));
    expect(await deliveries.claim(d, later(500), 60_000)).toEqual({
      outcome: 'wait',
      until: later(1000),
      busy: false,
    });
    expect(await deliveries.claim(d, later(1000), 60_000)).toEqual({ outcome: 'claimed', attempt: 2 });
    await deliveries.markFailed(d.id, '550 no such user', later(1100));
    const [record] = await deliveries.listForRun('r2');
    expect(record).toMatchObject({
      status: 'failed',
      attempts: 2,
      lastError: '550 no such user',
      nextAttemptAt: null,
    });
  });

  it('marks a delivery abandoned mid-send as failed instead of sending it again', async () => {
    const d = intent('r3');
    await deliveries.claim(d, T0, 60_000);
    expect(await deliveries.claim(d, later(60_000), 60_000)).toEqual({
      outcome: 'settled',
      status: 'failed',
    });
    const [record] = await deliveries.listForRun('r3');
    expect(record.lastError).toContain('not sent again');
  });

  it('lets exactly one of many concurrent claims win', async () => {
    const d = intent('r4');
    const claims = await Promise.all(Array.from({ length: 8 }, () => deliveries.claim(d, T0, 60_000)));
    expect(claims.filter((c) => c.outcome === 'claimed')).toHaveLength(1);
  });

  it('reports statuses of the ids that have rows', async () => {
    await deliveries.claim(intent('r5', 'ack'), T0, 60_000);
    await deliveries.markSent('r5/ack', T0);
    const statuses = await deliveries.statuses(['r5/ack', 'r5/done']);
    expect([...statuses]).toEqual([['r5/ack', 'sent']]);
  });
});

describe('CaughtMailRepository', () => {
  it('stores mail, lists it newest first, and keeps only the newest', async () => {
    const mailbox = new CaughtMailRepository(dataSource);
    const ids: number[] = [];
    for (let i = 1; i <= 4; i++) {
      ids.push(
        await mailbox.save(
          {
            envelopeFrom: 'chainmail@chainmail.local',
            envelopeTo: ['jane@acme.example'],
            from: 'Chainmail <chainmail@chainmail.local>',
            to: 'jane@acme.example',
            subject: `mail ${i}`,
            date: T0,
            messageId: `<m${i}@x>`,
            inReplyTo: '<orig@acme.example>',
            references: ['<orig@acme.example>'],
            text: `body ${i}`,
            html: null,
            raw: Buffer.from(`Subject: mail ${i}\r\n\r\nbody ${i}\r\n`),
          },
          3,
        ),
      );
    }
    const list = await mailbox.list();
    expect(list.map((m) => m.subject)).toEqual(['mail 4', 'mail 3', 'mail 2']);
    expect(list[0]).toMatchObject({
      messageId: '<m4@x>',
      inReplyTo: '<orig@acme.example>',
      date: T0.toISOString(),
    });
    const detail = await mailbox.get(ids[3]);
    expect(detail).toMatchObject({
      text: 'body 4',
      references: ['<orig@acme.example>'],
      envelopeTo: ['jane@acme.example'],
    });
    expect(detail?.raw).toContain('Subject: mail 4');
    expect(await mailbox.get(ids[0])).toBeNull();
  });
});
