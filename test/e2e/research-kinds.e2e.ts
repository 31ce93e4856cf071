import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import {
  eventually,
  http,
  ROOT,
  setSecret,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';
import { fakeModel, listen, type LocalServer } from '../support/local-agents';
import { startSmtpSink, type CaughtSinkMail, type SmtpSink } from '../support/smtp-sink';

/**
 * The "done when": the seed's competitor-analysis, with its workflow file unchanged, runs
 * with research@ bound in turn to each kind — builtin, openai, http, email (a real mailbox: the
 * mail goes to an SMTP sink, the reply comes back through ingress's SMTP) and workflow — and
 * summarize@ bound to a pipeline of its own.
 */

const HOOK_SECRET = 'research-kinds-hmac';
const TOPIC = 'Analyze our competitors in the CRM space';
const RESEARCH_INPUT = `Research competitors for: ${TOPIC}`;
const MAILBOX = 'research@mail-to-ai.com';

interface Step {
  stepId: string;
  status: string;
  agent: string | null;
  input: string | null;
  output: string | null;
  usage: Record<string, number> | null;
}
interface RunBody {
  status: string;
  output: string | null;
  steps: Step[];
}
interface RunEvents {
  events: { type: string; data: Record<string, unknown> }[];
}

let chainmail: ChainmailUnderTest;
/** The API of the Chainmail under test, with its admin token. */
const call = <T = unknown>(method: string, path: string, body?: unknown, contentType?: string) =>
  http<T>(chainmail.base, method, path, body, contentType);
let model: LocalServer;
let receiver: LocalServer;
let sink: SmtpSink;

beforeAll(async () => {
  model = await fakeModel('MODEL research on:');
  receiver = await listen((body, req, res) => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-chainmail-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401).end();
      return;
    }
    const { input } = JSON.parse(body) as { input: string };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `HTTP research on: ${input}` }));
  });
  sink = await startSmtpSink();
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
    CHAINMAIL_SMTP_OUT_URL: sink.url,
    CHAINMAIL_MAIL_DOMAIN: 'chainmail.local',
  });
  await setSecret(chainmail.base, 'RESEARCH_HOOK', HOOK_SECRET);
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  expect((await call('POST', '/v1/workflows', seed, 'application/yaml')).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await Promise.all([model?.close(), receiver?.close(), sink?.close()]);
});

async function bind(address: string, entry: unknown): Promise<void> {
  const put = await call('PUT', `/v1/agents/${address}`, entry);
  expect(put.status).toBe(200);
}

async function startSeed(): Promise<string> {
  const started = await call<{ runId: string }>('POST', '/v1/workflows/competitor-analysis/runs', {
    inputs: { user_input: TOPIC },
  });
  expect(started.status).toBe(202);
  return started.body.runId;
}

async function ended(id: string): Promise<RunBody> {
  return eventually(
    async () => {
      const { status, body } = await call<RunBody>('GET', `/v1/runs/${id}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${id} to end`,
  );
}

const step = (run: RunBody, id: string): Step | undefined => run.steps.find((s) => s.stepId === id);

/** The run went through, and summarize worked on research's output. */
function expectSeedDone(run: RunBody, research: string): void {
  expect(run.status).toBe('succeeded');
  expect(step(run, 'research')?.output).toBe(research);
  expect(step(run, 'summarize')?.input).toBe(`Summarize this research: ${research}`);
  expect(run.output).not.toBe('');
}

it('1. builtin: research@ is the offline stand-in', async () => {
  const run = await ended(await startSeed());
  expect(run.status).toBe('succeeded');
  expect(step(run, 'research')?.output).toMatch(/^Offline research stand-in/);
});

it('2. openai: research@ is a model, with its usage recorded', async () => {
  await bind('research@', { kind: 'openai', config: { baseUrl: `${model.url}/v1`, model: 'fake-model' } });
  const run = await ended(await startSeed());
  expectSeedDone(run, `MODEL research on: ${RESEARCH_INPUT}`);
  expect(step(run, 'research')?.usage).toMatchObject({ promptTokens: 1000, completionTokens: 2000 });
});

it('3. http: research@ is a signed HTTP agent', async () => {
  await bind('research@', {
    kind: 'http',
    config: { url: `${receiver.url}/research`, secret: '{{secrets.RESEARCH_HOOK}}' },
  });
  expectSeedDone(await ended(await startSeed()), `HTTP research on: ${RESEARCH_INPUT}`);
});

it('4. email: research@ is a mailbox; its reply, quotes and signature stripped, is the output', async () => {
  await bind('research@', { kind: 'email', config: { to: MAILBOX, subject: 'Research request' } });
  const id = await startSeed();
  const agentMail = await eventually<CaughtSinkMail>(
    async () => sink.mails.find((m) => m.envelope.to.includes(MAILBOX)),
    15_000,
    'the agent mail in the sink',
  );
  const messageId = `<${id}.research.1.1@chainmail.local>`;
  expect(agentMail.header('message-id')).toBe(messageId);
  expect(agentMail.parsed.subject).toBe('Research request');
  expect(agentMail.parsed.replyTo?.text).toBe('agent-replies@chainmail.local');
  expect(agentMail.parsed.text?.trim()).toBe(RESEARCH_INPUT);
  expect((await call<RunBody>('GET', `/v1/runs/${id}`)).body.status).toBe('running');

  const smtp = createTransport({
    host: '127.0.0.1',
    port: Number(chainmail.env.CHAINMAIL_SMTP_PORT),
    secure: false,
    ignoreTLS: true,
  });
  const reply = (from: string, text: string) =>
    smtp.sendMail({
      from,
      to: 'agent-replies@chainmail.local',
      subject: 'Re: Research request',
      messageId: `<reply-${from.length}-${Date.now()}@mail-to-ai.com>`,
      inReplyTo: messageId,
      references: [messageId],
      text,
    });
  // Someone else answering is refused, and recorded.
  await expect(reply('mallory@evil.example', 'Fake findings')).rejects.toMatchObject({ responseCode: 550 });
  await reply(
    `Research Desk <${MAILBOX}>`,
    [
      'Acme, Globex and Initech lead the CRM space; Acme on price.',
      '',
      '-- ',
      'Rita, Research Desk',
      '',
      `On Mon, Jan 5, 2026 at 10:02 AM Chainmail <chainmail@chainmail.local> wrote:`,
      `> ${RESEARCH_INPUT}`,
    ].join('\n'),
  );
  smtp.close();
  const run = await ended(id);
  expectSeedDone(run, 'Acme, Globex and Initech lead the CRM space; Acme on price.');

  const events = (await call<RunEvents>('GET', `/v1/runs/${id}/events`)).body.events.map((e) => e.type);
  expect(events).toEqual(expect.arrayContaining(['AgentMailSent', 'AgentReplyReceived']));
  const inbound = (
    await call<{ messages: { status: string; from: string; runId: string | null; reason: string | null }[] }>(
      'GET',
      '/v1/inbound?channel=email',
    )
  ).body.messages;
  expect(inbound).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ status: 'accepted', from: MAILBOX, runId: id }),
      expect.objectContaining({
        status: 'refused',
        from: 'mallory@evil.example',
        reason: expect.stringContaining(`must come from ${MAILBOX}`),
      }),
    ]),
  );
}, 40_000);

it('5. workflow: research@ runs a pipeline of its own as a sub-workflow', async () => {
  const pipeline = `
name: research-pipeline
steps:
  - id: loud
    agent: uppercase@
    input: "{{ user_input }}"
`;
  expect((await call('POST', '/v1/workflows', pipeline, 'application/yaml')).status).toBe(201);
  await bind('research@', { kind: 'workflow', config: { workflow: 'research-pipeline' } });
  const id = await startSeed();
  expectSeedDone(await ended(id), RESEARCH_INPUT.toUpperCase());
  const child = (await call<RunEvents>('GET', `/v1/runs/${id}-research-1-1/events`)).body.events;
  expect(child[0]).toMatchObject({
    type: 'RunStarted',
    data: { workflow: 'research-pipeline', parent: { runId: id, stepId: 'research' } },
  });
});

it('binds summarize@ to a pipeline: the step\u2019s output is the child run\u2019s', async () => {
  expect((await call('DELETE', '/v1/agents/research@')).status).toBe(200);
  const pipeline = `
name: summarize-pipeline
steps:
  - id: polish
    agent: proofread@
    input: "{{ user_input }}"
  - id: shout
    agent: uppercase@
    input: "{{ polish.output }}"
`;
  expect((await call('POST', '/v1/workflows', pipeline, 'application/yaml')).status).toBe(201);
  await bind('summarize@', { kind: 'workflow', config: { workflow: 'summarize-pipeline' } });
  const id = await startSeed();
  const run = await ended(id);
  expect(run.status).toBe('succeeded');
  const childId = `${id}-summarize-1-1`;
  const child = await ended(childId);
  expect(child.status).toBe('succeeded');
  expect(step(run, 'summarize')?.output).toBe(child.output);
  expect(child.output).toBe(child.output?.toUpperCase());
  const started = (await call<RunEvents>('GET', `/v1/runs/${childId}/events`)).body.events[0];
  expect(started?.data).toMatchObject({ parent: { runId: id, stepId: 'summarize' } });
});
