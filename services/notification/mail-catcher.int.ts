import { createDataSource, CaughtMailRepository } from '@chainmail/persistence';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';
import { createTransport } from 'nodemailer';
import type { DataSource } from 'typeorm';
import { MailCatcher } from './mail-catcher';
import { SmtpMailer } from './smtp-mailer';

let db: TestDatabase;
let dataSource: DataSource;
let mailbox: CaughtMailRepository;
let catcher: MailCatcher;
let port: number;

beforeAll(async () => {
  db = await createTestDatabase('catcher');
  dataSource = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
  mailbox = new CaughtMailRepository(dataSource);
  catcher = new MailCatcher(mailbox, 64 * 1024);
  port = await catcher.start('127.0.0.1', 0);
});
afterAll(async () => {
  await catcher?.stop();
  await dataSource?.destroy();
  await db?.drop();
});

describe('MailCatcher', () => {
  it('keeps what Chainmail sends, with its thread headers and both bodies', async () => {
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}` });
    await mailer.send({
      from: 'Chainmail <chainmail@chainmail.local>',
      to: ['jane@acme.example'],
      subject: 'Competitor Analysis Complete',
      text: 'the report\n\n---\nWorkflow: competitor-analysis\n',
      html: '<p>the report</p>',
      messageId: '<r1.done@chainmail.local>',
      inReplyTo: '<req@acme.example>',
      references: ['<older@acme.example>', '<req@acme.example>'],
      headers: { 'Auto-Submitted': 'auto-generated' },
    });
    mailer.close();
    const [summary] = await mailbox.list();
    expect(summary).toMatchObject({
      from: '"Chainmail" <chainmail@chainmail.local>',
      to: 'jane@acme.example',
      subject: 'Competitor Analysis Complete',
      messageId: '<r1.done@chainmail.local>',
      inReplyTo: '<req@acme.example>',
    });
    const detail = await mailbox.get(summary.id);
    expect(detail).toMatchObject({
      envelopeFrom: 'chainmail@chainmail.local',
      envelopeTo: ['jane@acme.example'],
      references: ['<older@acme.example>', '<req@acme.example>'],
      text: 'the report\n\n---\nWorkflow: competitor-analysis\n',
      html: '<p>the report</p>',
    });
    expect(detail?.raw).toContain('Message-ID: <r1.done@chainmail.local>');
  });

  it('keeps a mail that is not valid MIME as it came, and refuses one that is too large', async () => {
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    await transport.sendMail({
      envelope: { from: 'odd@example.test', to: ['x@example.test'] },
      raw: 'Content-Type: multipart/mixed; boundary="never"\r\n\r\n--never\r\nbroken',
    });
    const [odd] = await mailbox.list(1);
    expect(odd.from).toBe('odd@example.test');
    await expect(
      transport.sendMail({
        envelope: { from: 'big@example.test', to: ['x@example.test'] },
        raw: `Subject: big\r\n\r\n${'x'.repeat(70 * 1024)}`,
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    transport.close();
    expect((await mailbox.list()).map((m) => m.from)).not.toContain('big@example.test');
  });
});
