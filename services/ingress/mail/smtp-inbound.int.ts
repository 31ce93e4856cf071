import { freePort } from '@chainmail/testing';
import { createTransport, type Transporter } from 'nodemailer';
import { SmtpDialogue } from '../testing/smtp-dialogue';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/** Inbound mail over real SMTP against ingress with the real NATS and Postgres. */

let app: IngressTestApp;
let smtp: Transporter;
let port: number;

const steps = 'steps:\n  - { id: a, agent: echo@, input: "{{user_input}}" }\n';

beforeAll(async () => {
  port = await freePort();
  app = await startIngressTestApp({ smtpPort: port, maxMailBytes: 64 * 1024, mailAllow: '*@acme.example' });
  app.publish(`name: competitor-analysis\ntrigger: email to competitor-intel@\n${steps}`);
  app.publish(
    `name: board\ntrigger: { type: email, address: board@corp.example, allow: [boss@corp.example] }\n${steps}`,
  );
  smtp = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
}, 30_000);

afterAll(async () => {
  smtp?.close();
  await app?.close();
});

interface Record {
  status: string;
  reason: string | null;
  from: string | null;
  to: string | null;
  runId: string | null;
  workflow: string | null;
  messageId: string | null;
  subject: string | null;
  size: number | null;
}

async function inbound(): Promise<Record[]> {
  const res = await fetch(`${app.base}/v1/inbound?channel=email&limit=200`, { headers: app.authHeaders });
  return ((await res.json()) as { messages: Record[] }).messages;
}

async function startsOf(workflow: string): Promise<Awaited<ReturnType<IngressTestApp['startCommands']>>> {
  return (await app.startCommands()).filter((c) => c.workflow === workflow);
}

function smtpFailure(err: unknown): { responseCode?: number; response?: string } {
  return err as { responseCode?: number; response?: string };
}

it('starts the bound workflow with the text body as user_input and the trigger details of the contract', async () => {
  const messageId = `<m-${Date.now()}@acme.example>`;
  const info = await smtp.sendMail({
    from: 'Jane <jane@acme.example>',
    to: 'competitor-intel@chainmail.local',
    subject: 'CRM competitors',
    text: 'Analyze our competitors in the CRM space',
    messageId,
    references: ['<earlier@acme.example>'],
    attachments: [{ filename: 'notes.txt', content: 'hello', contentType: 'text/plain' }],
  });
  expect(info.response).toMatch(/^250 .*started run [0-9a-f-]{36} of competitor-analysis/);
  const [command] = (await startsOf('competitor-analysis')).filter(
    (c) => c.trigger.details?.messageId === messageId,
  );
  expect(command.inputs).toEqual({ user_input: 'Analyze our competitors in the CRM space' });
  expect(command.actor).toBe('jane@acme.example');
  expect(command.trigger).toEqual({
    kind: 'email',
    details: {
      from: 'jane@acme.example',
      to: 'competitor-intel@chainmail.local',
      subject: 'CRM competitors',
      messageId,
      references: ['<earlier@acme.example>'],
      attachments: [{ filename: 'notes.txt', contentType: 'text/plain', size: 5 }],
    },
  });
  const record = (await inbound()).find((r) => r.runId === command.runId);
  expect(record).toMatchObject({
    status: 'accepted',
    from: 'jane@acme.example',
    to: 'competitor-intel@chainmail.local',
    workflow: 'competitor-analysis',
    messageId,
    subject: 'CRM competitors',
  });
});

it('starts one run for a redelivered mail (same Message-ID)', async () => {
  const messageId = `<again-${Date.now()}@acme.example>`;
  const mail = {
    from: 'jane@acme.example',
    to: 'competitor-intel@acme.example',
    subject: 'x',
    text: 'once',
    messageId,
  };
  await smtp.sendMail(mail);
  await smtp.sendMail(mail);
  const runs = (await startsOf('competitor-analysis')).filter(
    (c) => c.trigger.details?.messageId === messageId,
  );
  expect(runs).toHaveLength(1);
  const records = (await inbound()).filter((r) => r.messageId === messageId);
  expect(records.map((r) => r.status)).toEqual(['accepted', 'accepted']);
  expect(new Set(records.map((r) => r.runId)).size).toBe(1);
});

it('keeps {{secrets.X}} in a body as literal text, and turns an HTML-only body into text', async () => {
  const messageId = `<lit-${Date.now()}@acme.example>`;
  await smtp.sendMail({
    from: 'jane@acme.example',
    to: 'competitor-intel@acme.example',
    subject: 'templates',
    text: 'Please use {{secrets.OPENAI_KEY}} and {{ inputs.x }}',
    messageId,
  });
  const htmlId = `<html-${Date.now()}@acme.example>`;
  await smtp.sendMail({
    from: 'jane@acme.example',
    to: 'competitor-intel@acme.example',
    subject: 'html',
    html: '<p>Hello <b>CRM</b></p>',
    messageId: htmlId,
  });
  const starts = await startsOf('competitor-analysis');
  expect(starts.find((c) => c.trigger.details?.messageId === messageId)?.inputs).toEqual({
    user_input: 'Please use {{secrets.OPENAI_KEY}} and {{ inputs.x }}',
  });
  expect(starts.find((c) => c.trigger.details?.messageId === htmlId)?.inputs.user_input).toMatch(
    /^Hello CRM\s*$/,
  );
});

it('refuses an unknown recipient at RCPT TO with 550, and records which addresses are bound', async () => {
  const error = await smtp
    .sendMail({ from: 'jane@acme.example', to: 'nobody@chainmail.local', subject: 's', text: 't' })
    .then(() => undefined, smtpFailure);
  expect(error?.responseCode).toBe(550);
  expect(error?.response).toMatch(/nobody@chainmail\.local.*no workflow is bound to this address/);
  const record = (await inbound()).find((r) => r.to === 'nobody@chainmail.local');
  expect(record).toMatchObject({ status: 'refused', from: 'jane@acme.example' });
  expect(record?.reason).toBe(
    'no workflow is bound to nobody@chainmail.local; bound addresses: board@corp.example, competitor-intel@',
  );
});

it('checks senders: the trigger allow list, else the configured default; refused at RCPT TO when nobody allows (anyone may answer a checkpoint mail)', async () => {
  // boss@corp.example is allowed by "board" only: accepted at MAIL FROM, refused at RCPT for competitor-intel@.
  const wrongWorkflow = await smtp
    .sendMail({ from: 'boss@corp.example', to: 'competitor-intel@x.example', subject: 's', text: 't' })
    .then(() => undefined, smtpFailure);
  expect(wrongWorkflow?.responseCode).toBe(550);
  expect(wrongWorkflow?.response).toMatch(
    /boss@corp\.example> may not send to <competitor-intel@x\.example>/,
  );
  const allowed = await smtp.sendMail({
    from: 'boss@corp.example',
    to: 'board@corp.example',
    subject: 's',
    text: 'go',
  });
  expect(allowed.response).toMatch(/started run .* of board/);

  const { dialogue } = await SmtpDialogue.open(port);
  await dialogue.send('EHLO test.example');
  // MAIL FROM takes anyone: a stranger may be answering a checkpoint mail (and is told by mail
  // that they are not an approver). Any other recipient refuses them.
  expect(await dialogue.send('MAIL FROM:<stranger@evil.example>')).toMatch(/^250/);
  expect(await dialogue.send('RCPT TO:<competitor-intel@x.example>')).toMatch(
    /^550 .*stranger@evil\.example> may not send to <competitor-intel@x\.example>/,
  );
  await dialogue.close();

  const records = await inbound();
  expect(records.find((r) => r.from === 'stranger@evil.example')).toMatchObject({
    status: 'refused',
    to: 'competitor-intel@x.example',
    reason: 'sender not in the allow list of competitor-analysis',
  });
  expect(records.find((r) => r.from === 'boss@corp.example' && r.status === 'refused')?.reason).toBe(
    'sender not in the allow list of competitor-analysis',
  );
});

it('checks the header From too: an allowed envelope does not carry a disallowed From', async () => {
  const { dialogue } = await SmtpDialogue.open(port);
  await dialogue.send('EHLO test.example');
  await dialogue.send('MAIL FROM:<jane@acme.example>');
  expect(await dialogue.send('RCPT TO:<competitor-intel@acme.example>')).toMatch(/^250/);
  await dialogue.send('DATA');
  const reply = await dialogue.sendData('From: mallory@evil.example\r\nSubject: spoof\r\n\r\nhello');
  expect(reply).toMatch(
    /^550 .*no workflow at competitor-intel@acme\.example accepts mail from mallory@evil\.example/,
  );
  await dialogue.close();
});

it('announces SIZE and refuses an oversize message (declared or sent) with 552, recording it', async () => {
  const { dialogue } = await SmtpDialogue.open(port);
  expect(await dialogue.send('EHLO test.example')).toContain(`SIZE ${64 * 1024}`);
  expect(await dialogue.send(`MAIL FROM:<jane@acme.example> SIZE=${1024 * 1024}`)).toMatch(/^552/);
  expect(await dialogue.send('MAIL FROM:<jane@acme.example>')).toMatch(/^250/);
  expect(await dialogue.send('RCPT TO:<competitor-intel@acme.example>')).toMatch(/^250/);
  expect(await dialogue.send('DATA')).toMatch(/^354/);
  const big = `Subject: big\r\nMessage-ID: <big@acme.example>\r\n\r\n${'x'.repeat(100)}\r\n`.repeat(1000);
  expect(await dialogue.sendData(big)).toMatch(/^552 .*over the limit of 65536 bytes/);
  await dialogue.close();
  const record = (await inbound()).find((r) => r.reason?.includes('over the limit of 65536'));
  expect(record).toMatchObject({
    status: 'refused',
    to: 'competitor-intel@acme.example',
    from: 'jane@acme.example',
  });
  expect(record?.size).toBeGreaterThan(64 * 1024);
});

it('survives garbage instead of MIME, a bounce and an auto-reply, and keeps serving', async () => {
  const { dialogue } = await SmtpDialogue.open(port);
  await dialogue.send('EHLO test.example');
  await dialogue.send('MAIL FROM:<garbage@acme.example>');
  await dialogue.send('RCPT TO:<competitor-intel@acme.example>');
  await dialogue.send('DATA');
  const garbage = Buffer.concat([
    Buffer.from(
      'Content-Type: multipart/mixed; boundary="zz"\r\n\r\n--zz\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!',
    ),
    Buffer.from([0, 1, 2, 0xff, 0xfe, 0x80]),
    Buffer.from('\r\n--zz'),
  ]);
  expect(await dialogue.sendData(garbage)).toMatch(/^(250|550)/);
  await dialogue.send('MAIL FROM:<garbage@acme.example>');
  await dialogue.send('RCPT TO:<competitor-intel@acme.example>');
  await dialogue.send('DATA');
  expect(
    await dialogue.sendData(Buffer.from([0xff, 0xfe, 0x00, 0x3a, 0x0d, 0x0a, 0x3a, 0x3a, 0x80])),
  ).toMatch(/^(250|550)/);

  expect(await dialogue.send('MAIL FROM:<>')).toMatch(/^250/);
  expect(await dialogue.send('RCPT TO:<competitor-intel@acme.example>')).toMatch(/^550 .*bounce/);
  await dialogue.send('RSET');

  await dialogue.send('MAIL FROM:<jane@acme.example>');
  await dialogue.send('RCPT TO:<competitor-intel@acme.example>');
  await dialogue.send('DATA');
  expect(
    await dialogue.sendData(
      'From: jane@acme.example\r\nAuto-Submitted: auto-replied\r\nSubject: Out of office\r\n\r\nAway',
    ),
  ).toMatch(/^550 .*Auto-Submitted/);
  await dialogue.close();

  const after = await smtp.sendMail({
    from: 'jane@acme.example',
    to: 'competitor-intel@acme.example',
    subject: 'still there?',
    text: 'yes',
  });
  expect(after.response).toMatch(/^250/);
  const records = await inbound();
  // Each garbage message was answered and recorded, accepted or refused with a reason.
  const garbageRecords = records.filter((r) => r.from === 'garbage@acme.example');
  expect(garbageRecords).toHaveLength(2);
  for (const r of garbageRecords) expect(r.status === 'accepted' || r.reason !== null).toBe(true);
  const reasons = records.map((r) => r.reason ?? '');
  expect(reasons).toContain('a mail without a sender (a bounce) starts no workflow');
  expect(reasons).toContain('Auto-Submitted mail (auto-reply or bounce): refused to avoid a mail loop');
});

it('refuses a mail whose workflow needs inputs mail cannot give, saying why', async () => {
  app.publish(
    `name: needs-topic\ninputs:\n  - { name: topic, type: string, required: true }\ntrigger: email to topic@\nsteps:\n  - { id: a, agent: echo@, input: "{{inputs.topic}}" }\n`,
  );
  const error = await smtp
    .sendMail({ from: 'jane@acme.example', to: 'topic@acme.example', subject: 's', text: 't' })
    .then(() => undefined, smtpFailure);
  expect(error?.responseCode).toBe(550);
  expect(error?.response).toMatch(/input "topic": required input is missing/);
  expect((await inbound()).find((r) => r.to === 'topic@acme.example')).toMatchObject({
    status: 'refused',
    workflow: 'needs-topic',
  });
});
