import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@chainmail/testing';
import { createTransport } from 'nodemailer';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink';

/**
 * The seed's headline, both halves, against the built all-in-one process: a real email to
 * competitor-intel@ over SMTP starts the four-step workflow, and the report comes back by mail —
 * read from a real SMTP sink, then from the local mail catcher that `chainmail up` uses.
 */

const REQUEST = 'Analyze our competitors in the CRM space';
const FOOTER =
  /\n---\nWorkflow: competitor-analysis\nSteps completed: 4\/4\nTotal time: (\d+ ms|\d+ seconds?)\nAgents used: research@, summarize@, write-report@, proofread@\n$/;

interface RunBody {
  status: string;
  output: string | null;
}

interface Delivery {
  kind: string;
  channel: string;
  status: string;
  messageId: string | null;
  recipient: string;
}

async function publishSeed(chainmail: ChainmailUnderTest): Promise<void> {
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  const published = await http(chainmail.base, 'POST', '/v1/workflows', seed, 'application/yaml');
  expect(published.status).toBe(201);
}

/** Sends the request by SMTP to ingress; returns the run id its answer names. */
async function mailTheRequest(chainmail: ChainmailUnderTest, messageId: string): Promise<string> {
  const smtp = createTransport({
    host: '127.0.0.1',
    port: Number(chainmail.env.CHAINMAIL_SMTP_PORT),
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await smtp.sendMail({
      from: 'Jane Doe <jane@acme.example>',
      to: 'competitor-intel@mail-to-ai.com',
      subject: 'Competitive analysis please',
      text: REQUEST,
      messageId,
    });
    const match = /started run ([0-9a-f-]{36})/.exec(info.response);
    if (!match) throw new Error(`no run in the SMTP answer: ${info.response}`);
    return match[1];
  } finally {
    smtp.close();
  }
}

async function finishedRun(chainmail: ChainmailUnderTest, runId: string): Promise<RunBody> {
  return eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${runId} to end`,
  );
}

describe('with outbound mail going to an SMTP server', () => {
  let sink: SmtpSink;
  let chainmail: ChainmailUnderTest;

  beforeAll(async () => {
    sink = await startSmtpSink();
    chainmail = await startChainmail(['all-in-one'], { CHAINMAIL_SMTP_OUT_URL: sink.url });
    await publishSeed(chainmail);
  }, 60_000);

  afterAll(async () => {
    await chainmail?.stop();
    await sink?.close();
  });

  it('answers an email to competitor-intel@ with the report, in its thread, with the seed footer', async () => {
    const messageId = `<headline-${Date.now()}@acme.example>`;
    const runId = await mailTheRequest(chainmail, messageId);
    const run = await finishedRun(chainmail, runId);
    expect(run.status).toBe('succeeded');

    // Its four steps are instant builtins: the run ends in the commit that starts it, so the report
    // is the only mail (an acknowledgement goes out only for a run still working after its start).
    const [done] = await sink.waitFor(1, 15_000);
    expect(done.parsed.subject).toBe('Re: Competitive analysis please');
    expect(done.envelope.to).toEqual(['jane@acme.example']);
    expect(done.header('to')).toBe('jane@acme.example');
    expect(done.header('in-reply-to')).toBe(messageId);
    expect(done.header('references')).toBe(messageId);
    expect(done.parsed.messageId).toBe(`<${runId}.done@chainmail.local>`);
    const text = done.parsed.text ?? '';
    expect(text.startsWith(`${run.output ?? '(no output)'}\n\n---\n`)).toBe(true);
    expect(run.output).toBeTruthy();
    expect(text).toMatch(FOOTER);
    expect(done.parsed.html).toContain('Steps completed: 4/4');

    // The sink holds the mail as soon as its SMTP session ends; the delivery is marked sent once
    // the sender has the server's answer, a moment later.
    const deliveries = await eventually(
      async () => {
        const { status, body } = await http<{ deliveries: Delivery[] }>(
          chainmail.base,
          'GET',
          `/v1/runs/${runId}/deliveries`,
        );
        expect(status).toBe(200);
        return body.deliveries.every((d) => d.status !== 'sending') ? body.deliveries : undefined;
      },
      10_000,
      `the deliveries of ${runId} to be settled`,
    );
    expect(deliveries.map((d) => [d.kind, d.channel, d.status, d.recipient])).toEqual([
      ['done', 'email', 'sent', 'jane@acme.example'],
    ]);
  });

  it('answers 404 for the deliveries of a run that does not exist', async () => {
    const { status, body } = await http<{ error: { code: string } }>(
      chainmail.base,
      'GET',
      '/v1/runs/no-such-run/deliveries',
    );
    expect(status).toBe(404);
    expect(body.error.code).toBe('RUN_NOT_FOUND');
  });
});

describe('with the local mail catcher of the default install', () => {
  let chainmail: ChainmailUnderTest;

  beforeAll(async () => {
    const catcherPort = await freePort();
    chainmail = await startChainmail(['all-in-one'], {
      CHAINMAIL_MAIL_CATCHER: 'true',
      CHAINMAIL_CATCHER_SMTP_PORT: String(catcherPort),
      CHAINMAIL_SMTP_OUT_URL: `smtp://127.0.0.1:${catcherPort}`,
    });
    await publishSeed(chainmail);
  }, 60_000);

  afterAll(async () => {
    await chainmail?.stop();
  });

  it('keeps the report mail where /v1/mailbox and the /mailbox page show it', async () => {
    const messageId = `<catcher-${Date.now()}@acme.example>`;
    const runId = await mailTheRequest(chainmail, messageId);
    await finishedRun(chainmail, runId);
    const mails = await eventually(
      async () => {
        const { body } = await http<{
          catcher: boolean;
          mails: { id: number; subject: string; inReplyTo: string }[];
        }>(chainmail.base, 'GET', '/v1/mailbox');
        // The report alone: an instant run gets no acknowledgement.
        return body.mails.length >= 1 ? body : undefined;
      },
      15_000,
      'the caught report',
    );
    expect(mails.catcher).toBe(true);
    const done = mails.mails.find((m) => m.subject === 'Re: Competitive analysis please');
    expect(done).toMatchObject({ inReplyTo: messageId });
    const detail = await http<{ text: string; raw: string; messageId: string }>(
      chainmail.base,
      'GET',
      `/v1/mailbox/${done?.id}`,
    );
    expect(detail.body.messageId).toBe(`<${runId}.done@chainmail.local>`);
    expect(detail.body.text).toMatch(FOOTER);
    expect(detail.body.raw).toContain(`In-Reply-To: ${messageId}`);

    const page = await fetch(`${chainmail.base}/mailbox`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Re: Competitive analysis please');
    expect(html).toContain('Agents used: research@, summarize@, write-report@, proofread@');
  }, 30_000);
});
