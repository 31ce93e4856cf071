import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import {
  eventually,
  http,
  ROOT,
  startChainmail,
  type ChainmailUnderTest,
  type ServiceName,
} from '../support/chainmail';
import { startSmtpSink, type CaughtSinkMail, type SmtpSink } from '../support/smtp-sink';

/**
 * Humans in the loop by mail, on the built system with real SMTP both ways: the seed's
 * human-review example is started by a mail to human-review@ (ingress's SMTP server), the
 * checkpoint mail reaches a real SMTP sink, and a reply to it — sent to ingress's SMTP server
 * again, threaded by In-Reply-To — decides the checkpoint.
 */

const JANE = 'jane@acme.example';
const DOMAIN = 'chainmail.local';
const APPROVALS = `approvals@${DOMAIN}`;

interface RunBody {
  status: string;
  output: string | null;
  error: { code: string; message: string } | null;
  steps: { stepId: string; status: string; visit: number }[];
  checkpoint: {
    step: string;
    visit: number;
    message: string;
    actions: Record<string, string>;
    deadline: string | null;
    approvers: string[];
  } | null;
}

interface LoggedEvent {
  type: string;
  data: Record<string, unknown>;
}

async function publishExample(chainmail: ChainmailUnderTest): Promise<void> {
  const yaml = await readFile(join(ROOT, 'examples', 'human-review.yaml'), 'utf8');
  const published = await http(chainmail.base, 'POST', '/v1/workflows', yaml, 'application/yaml');
  expect(published.status).toBe(201);
}

/** Sends one mail to Chainmail's SMTP server; answers its SMTP reply text. */
async function mail(
  chainmail: ChainmailUnderTest,
  message: {
    from: string;
    to: string;
    subject: string;
    text: string;
    messageId: string;
    inReplyTo?: string;
    references?: string[];
  },
): Promise<string> {
  const smtp = createTransport({
    host: '127.0.0.1',
    port: Number(chainmail.env.CHAINMAIL_SMTP_PORT),
    secure: false,
    ignoreTLS: true,
  });
  try {
    return (await smtp.sendMail(message)).response;
  } finally {
    smtp.close();
  }
}

/** Mails the request for a contract; answers the run it started and the request's Message-ID. */
async function requestContract(
  chainmail: ChainmailUnderTest,
  client: string,
): Promise<{ runId: string; messageId: string }> {
  const messageId = `<contract-${client.replace(/\W/g, '')}-${Date.now()}@acme.example>`;
  const answer = await mail(chainmail, {
    from: `Jane Doe <${JANE}>`,
    to: 'human-review@acme.example',
    subject: `Contract for ${client}`,
    text: client,
    messageId,
  });
  const runId = /started run ([0-9a-f-]{36})/.exec(answer)?.[1];
  if (runId === undefined) throw new Error(`no run in the SMTP answer: ${answer}`);
  return { runId, messageId };
}

/** A reply to a caught mail, as a mail client writes it: threaded, the original quoted below. */
async function reply(
  chainmail: ChainmailUnderTest,
  to: CaughtSinkMail,
  from: string,
  text: string,
): Promise<string> {
  const original = to.parsed.messageId ?? '';
  const quoted = (to.parsed.text ?? '')
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
  return mail(chainmail, {
    from,
    to: to.header('reply-to') ?? '',
    subject: `Re: ${to.parsed.subject ?? ''}`,
    text: `${text}\n\nOn Mon, 7 Dec 2026 at 10:00, Chainmail <chainmail@${DOMAIN}> wrote:\n${quoted}\n`,
    messageId: `<reply-${Math.random().toString(36).slice(2)}@acme.example>`,
    inReplyTo: original,
    references: [original],
  });
}

const checkpointMailOf = (
  sink: SmtpSink,
  runId: string,
  visit = 1,
  timeoutMs = 20_000,
): Promise<CaughtSinkMail> =>
  eventually(
    async () =>
      sink.mails.find((m) => m.parsed.messageId === `<${runId}.human-review.${visit}.approval@${DOMAIN}>`),
    timeoutMs,
    `the checkpoint mail of run ${runId}, round ${visit}`,
  );

const mailTo = (
  sink: SmtpSink,
  to: string,
  test: (m: CaughtSinkMail) => boolean,
  what: string,
): Promise<CaughtSinkMail> =>
  eventually(async () => sink.mails.find((m) => m.envelope.to.includes(to) && test(m)), 20_000, what);

async function runOf(chainmail: ChainmailUnderTest, runId: string): Promise<RunBody> {
  const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
  expect(status).toBe(200);
  return body;
}

const ended = (chainmail: ChainmailUnderTest, runId: string, timeoutMs = 30_000): Promise<RunBody> =>
  eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
      return status === 200 && !['running', 'waiting'].includes(body.status) ? body : undefined;
    },
    timeoutMs,
    `run ${runId} to end`,
  );

const waiting = (chainmail: ChainmailUnderTest, runId: string, visit = 1): Promise<RunBody> =>
  eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
      return status === 200 && body.status === 'waiting' && body.checkpoint?.visit === visit
        ? body
        : undefined;
    },
    20_000,
    `run ${runId} to wait at round ${visit}`,
  );

async function events(chainmail: ChainmailUnderTest, runId: string): Promise<LoggedEvent[]> {
  return (await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${runId}/events`)).body
    .events;
}

const resolutions = async (
  chainmail: ChainmailUnderTest,
  runId: string,
): Promise<Record<string, unknown>[]> =>
  (await events(chainmail, runId)).filter((e) => e.type === 'CheckpointResolved').map((e) => e.data);

describe('the human-review example, decided by mail', () => {
  let sink: SmtpSink;
  let chainmail: ChainmailUnderTest;

  beforeAll(async () => {
    sink = await startSmtpSink();
    chainmail = await startChainmail(['all-in-one'], {
      CHAINMAIL_SMTP_OUT_URL: sink.url,
      CHAINMAIL_MAIL_DOMAIN: DOMAIN,
      CHAINMAIL_PUBLIC_URL: 'http://approvals.test',
    });
    await publishExample(chainmail);
  }, 60_000);

  afterAll(async () => {
    await chainmail?.stop();
    await sink?.close();
  });

  it('started by mail, waits visibly, tells the sender, and a reply "approve" sends the result mail', async () => {
    const { runId, messageId } = await requestContract(chainmail, 'ACME Corp');
    const checkpointMail = await checkpointMailOf(sink, runId);
    expect(checkpointMail.envelope.to).toEqual([JANE]);
    expect(checkpointMail.header('reply-to')).toBe(APPROVALS);
    expect(checkpointMail.header('in-reply-to')).toBe(messageId);
    expect(checkpointMail.parsed.subject).toBe('Approval needed: Human Review — human-review');
    const text = checkpointMail.parsed.text ?? '';
    expect(text).toContain('> Review draft before sending to client');
    expect(text).toContain('What "draft" produced:');
    expect(text).toContain('ACME Corp');
    expect(text).toMatch(/Deadline: \d{4}-\d\d-\d\dT/);
    expect(text).toContain('- approve (a comment may follow) → continue');
    expect(text).toContain('- any other text is an edit: it becomes the new input → goto draft');

    const run = await waiting(chainmail, runId);
    expect(run.steps.find((s) => s.stepId === 'human-review')?.status).toBe('waiting');
    expect(run.checkpoint).toMatchObject({
      step: 'human-review',
      message: 'Review draft before sending to client',
      actions: { approve: 'continue', reject: 'abort', edit: 'goto draft' },
      approvers: [JANE],
    });
    expect(run.checkpoint?.deadline).toMatch(/^\d{4}-/);
    const listed = await http<{ runs: { id: string }[] }>(chainmail.base, 'GET', '/v1/runs?status=waiting');
    expect(listed.body.runs.map((r) => r.id)).toContain(runId);

    const answer = await reply(
      chainmail,
      checkpointMail,
      `Jane Doe <${JANE}>`,
      'approve\nLooks right to me.\n\n-- \nJane',
    );
    expect(answer).toMatch(/OK: approve of checkpoint "human-review"/);
    const done = await ended(chainmail, runId);
    expect(done.status).toBe('succeeded');
    expect(done.output).toContain(JANE);
    expect(await resolutions(chainmail, runId)).toEqual([
      expect.objectContaining({ action: 'approve', by: JANE, via: 'mail', comment: 'Looks right to me.' }),
    ]);
    const result = await mailTo(
      sink,
      JANE,
      // The result answers the mail that started the run, in its thread: `Re: <its subject>`.
      (m) => m.parsed.subject?.startsWith('Re: Contract for') === true,
      'the result mail',
    );
    expect(result.header('in-reply-to')).toBe(messageId);
  }, 60_000);

  it('a reply "reject" with a reason fails the run, naming who and why', async () => {
    const { runId } = await requestContract(chainmail, 'Globex');
    const checkpointMail = await checkpointMailOf(sink, runId);
    expect(await reply(chainmail, checkpointMail, JANE, 'Reject: wrong client')).toMatch(/OK: reject/);
    const run = await ended(chainmail, runId);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('CHECKPOINT_REJECTED');
    expect(run.error?.message).toContain(`reject by ${JANE}: wrong client`);
    expect(await resolutions(chainmail, runId)).toEqual([
      expect.objectContaining({ action: 'reject', via: 'mail', comment: 'wrong client' }),
    ]);
  }, 60_000);

  it('any other reply is an edit: the draft is written again, a new mail asks again, and its approval finishes', async () => {
    const { runId } = await requestContract(chainmail, 'Initech');
    const first = await checkpointMailOf(sink, runId, 1);
    expect(await reply(chainmail, first, JANE, 'Please add a liability cap of 1M.')).toMatch(/OK: edit/);
    const second = await checkpointMailOf(sink, runId, 2);
    expect(second.parsed.text).toContain('(round 2)');
    const again = await waiting(chainmail, runId, 2);
    expect(again.steps.find((s) => s.stepId === 'draft')?.visit).toBe(2);
    await reply(chainmail, second, JANE, 'approve');
    expect((await ended(chainmail, runId)).status).toBe('succeeded');
    expect(await resolutions(chainmail, runId)).toEqual([
      expect.objectContaining({
        action: 'edit',
        input: 'Please add a liability cap of 1M.',
        via: 'mail',
        visit: 1,
      }),
      expect.objectContaining({ action: 'approve', via: 'mail', visit: 2 }),
    ]);
  }, 60_000);

  it('a stranger\u2019s reply changes nothing and gets a polite refusal; a second reply says it was decided', async () => {
    const { runId } = await requestContract(chainmail, 'Umbrella');
    const checkpointMail = await checkpointMailOf(sink, runId);

    const stranger = 'mallory@evil.example';
    expect(await reply(chainmail, checkpointMail, stranger, 'approve')).toMatch(/^250 .*not an approver/);
    const refusal = await mailTo(sink, stranger, () => true, 'the refusal to the stranger');
    expect(refusal.parsed.text).toContain('is not one of them, so your reply changed nothing');
    expect(refusal.header('auto-submitted')).toBe('auto-replied');
    expect((await runOf(chainmail, runId)).status).toBe('waiting');
    expect(await resolutions(chainmail, runId)).toEqual([]);

    await reply(chainmail, checkpointMail, JANE, 'approve');
    await ended(chainmail, runId);
    const late = await reply(chainmail, checkpointMail, JANE, 'reject, on second thought');
    expect(late).toMatch(/^250 .*decided already/);
    const told = await mailTo(
      sink,
      JANE,
      (m) => (m.parsed.text ?? '').includes('Your reply changed nothing'),
      'the answer to the second reply',
    );
    expect(told.parsed.text).toContain(`was approved by ${JANE} (by mail)`);
    expect(await resolutions(chainmail, runId)).toHaveLength(1);
    expect((await runOf(chainmail, runId)).status).toBe('succeeded');

    const inbound = await http<{
      messages: { from: string; status: string; reason: string | null; runId: string | null }[];
    }>(chainmail.base, 'GET', '/v1/inbound?channel=email&limit=100');
    const mine = inbound.body.messages.filter((m) => m.runId === runId);
    expect(mine.map((m) => [m.from, m.status])).toEqual(
      expect.arrayContaining([
        [stranger, 'refused'],
        [JANE, 'accepted'],
        [JANE, 'refused'],
      ]),
    );
  }, 60_000);

  it('a link opened by GET decides nothing; its button does, once', async () => {
    const { runId } = await requestContract(chainmail, 'Stark');
    const checkpointMail = await checkpointMailOf(sink, runId);
    const links = [
      ...(checkpointMail.parsed.text ?? '').matchAll(/http:\/\/approvals\.test(\/approvals\/\S+)/g),
    ].map((m) => m[1]);
    expect(links).toHaveLength(3);
    const [approve] = links;

    // What a mail scanner does: open every link, more than once.
    for (const path of [...links, ...links]) {
      const page = await fetch(`${chainmail.base}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await page.text()).toContain('<form method="post">');
    }
    expect((await runOf(chainmail, runId)).status).toBe('waiting');
    expect(await resolutions(chainmail, runId)).toEqual([]);

    const pressed = await fetch(`${chainmail.base}${approve}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'comment=Fine+by+me',
    });
    expect(pressed.status).toBe(200);
    expect(await pressed.text()).toContain('Recorded: approved');
    expect((await ended(chainmail, runId)).status).toBe('succeeded');
    expect(await resolutions(chainmail, runId)).toEqual([
      expect.objectContaining({ action: 'approve', by: JANE, via: 'link', comment: 'Fine by me' }),
    ]);
    const twice = await fetch(`${chainmail.base}${approve}`, { method: 'POST' });
    expect(twice.status).toBe(410);
    const forged = await fetch(`${chainmail.base}${approve.slice(0, -3)}abc`);
    expect(forged.status).toBe(404);
  }, 60_000);
});

describe('a checkpoint survives a restart of every service', () => {
  // Ingress first: the one waited for (ready), it boots faster while the others have not begun.
  const SERVICES: ServiceName[] = [
    'ingress',
    'registry',
    'execution',
    'projector',
    'scheduling',
    'notification',
  ];
  let sink: SmtpSink;
  let chainmail: ChainmailUnderTest;

  beforeAll(async () => {
    sink = await startSmtpSink();
    chainmail = await startChainmail(SERVICES, {
      CHAINMAIL_SMTP_OUT_URL: sink.url,
      CHAINMAIL_MAIL_DOMAIN: DOMAIN,
    });
    // The registry may still be starting: publishing waits for it.
    const yaml = await readFile(join(ROOT, 'examples', 'human-review.yaml'), 'utf8');
    await eventually(
      async () =>
        (await http(chainmail.base, 'POST', '/v1/workflows', yaml, 'application/yaml')).status === 201
          ? true
          : undefined,
      60_000,
      'the registry to publish the example',
    );
  }, 120_000);

  afterAll(async () => {
    await chainmail?.stop();
    await sink?.close();
  });

  it('the reply after the restart decides it and the result mail comes', async () => {
    const { runId } = await requestContract(chainmail, 'Wayne');
    const checkpointMail = await checkpointMailOf(sink, runId, 1, 30_000);
    await waiting(chainmail, runId);

    for (const name of SERVICES) await chainmail.kill(name, 'SIGKILL');
    for (const name of SERVICES) await chainmail.start(name);

    expect((await runOf(chainmail, runId)).status).toBe('waiting');
    // The decision waits for execution and the projector to be back; the reply is taken at once.
    expect(await reply(chainmail, checkpointMail, JANE, 'approve')).toMatch(/OK: approve/);
    expect((await ended(chainmail, runId, 90_000)).status).toBe('succeeded');
    await mailTo(
      sink,
      JANE,
      // The result answers the mail that started the run, in its thread: `Re: <its subject>`.
      (m) => m.parsed.subject?.startsWith('Re: Contract for') === true,
      'the result mail after the restart',
    );
    // Redelivered commits after the restart sent no second checkpoint mail.
    expect(sink.mails.filter((m) => m.parsed.messageId === checkpointMail.parsed.messageId)).toHaveLength(1);
  }, 180_000);
});
