import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import { signBody } from '../../services/ingress/hooks/webhook-signature';
import { SmtpDialogue } from '../../services/ingress/testing/smtp-dialogue';
import {
  eventually,
  http,
  ROOT,
  setSecret,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/**
 * The seed's headline, inbound half: a real email to competitor-intel@ over SMTP starts the
 * four-step workflow on the built all-in-one process; bad mail is refused or survived, and
 * every case is in the inbound record. (The completion mail is notification's test.)
 */

interface RunBody {
  status: string;
  inputs: Record<string, unknown>;
  trigger: { kind: string; details?: Record<string, unknown> };
  output: string | null;
  steps: { stepId: string; status: string; input: string; output: string }[];
}

interface InboundRecord {
  status: string;
  reason: string | null;
  from: string | null;
  to: string | null;
  runId: string | null;
  messageId: string | null;
}

const MAX_MAIL_BYTES = 256 * 1024;
const HOOK_KEY = 'e2e-hook-secret';
let chainmail: ChainmailUnderTest;
let smtp: Transporter;
let smtpPort: number;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_MAX_MAIL_BYTES: String(MAX_MAIL_BYTES),
  });
  await setSecret(chainmail.base, 'HOOK_KEY', HOOK_KEY);
  smtpPort = Number(chainmail.env.CHAINMAIL_SMTP_PORT);
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  const published = await http(chainmail.base, 'POST', '/v1/workflows', seed, 'application/yaml');
  expect(published.status).toBe(201);
  smtp = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
}, 60_000);

afterAll(async () => {
  smtp?.close();
  await chainmail?.stop();
});

const runUntilDone = (id: string): Promise<RunBody> =>
  eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${id} to end`,
  );

async function inbound(): Promise<InboundRecord[]> {
  const { body } = await http<{ messages: InboundRecord[] }>(
    chainmail.base,
    'GET',
    '/v1/inbound?channel=email&limit=100',
  );
  return body.messages;
}

function runIdOf(response: string): string {
  const match = /started run ([0-9a-f-]{36}) of competitor-analysis/.exec(response);
  if (!match) throw new Error(`no run in the SMTP answer: ${response}`);
  return match[1];
}

it('an email to competitor-intel@ runs the four-step workflow with the body as user_input', async () => {
  const messageId = `<headline-${Date.now()}@acme.example>`;
  const info = await smtp.sendMail({
    from: 'Jane Doe <jane@acme.example>',
    to: 'competitor-intel@mail-to-ai.com',
    subject: 'Competitive analysis please',
    text: 'Analyze our competitors in the CRM space',
    messageId,
  });
  const runId = runIdOf(info.response);
  const run = await runUntilDone(runId);
  expect(run.status).toBe('succeeded');
  expect(run.inputs).toEqual({ user_input: 'Analyze our competitors in the CRM space' });
  expect(run.steps.map((s) => [s.stepId, s.status])).toEqual([
    ['research', 'succeeded'],
    ['summarize', 'succeeded'],
    ['draft', 'succeeded'],
    ['review', 'succeeded'],
  ]);
  expect(run.steps[0].input).toBe('Research competitors for: Analyze our competitors in the CRM space');
  expect(run.trigger).toEqual({
    kind: 'email',
    details: {
      from: 'jane@acme.example',
      to: 'competitor-intel@mail-to-ai.com',
      subject: 'Competitive analysis please',
      messageId,
      references: [],
      attachments: [],
    },
  });
  expect((await inbound()).find((r) => r.runId === runId)).toMatchObject({ status: 'accepted', messageId });

  // A redelivery of the same mail names the same run and starts nothing new.
  const again = await smtp.sendMail({
    from: 'jane@acme.example',
    to: 'competitor-intel@mail-to-ai.com',
    subject: 'Competitive analysis please',
    text: 'Analyze our competitors in the CRM space',
    messageId,
  });
  expect(runIdOf(again.response)).toBe(runId);
  const { body } = await http<{ events: { type: string }[] }>(
    chainmail.base,
    'GET',
    `/v1/runs/${runId}/events`,
  );
  expect(body.events.filter((e) => e.type === 'RunStarted')).toHaveLength(1);
});

it('a body with {{secrets.X}} stays literal through the whole run', async () => {
  const info = await smtp.sendMail({
    from: 'jane@acme.example',
    to: 'competitor-intel@localhost',
    subject: 'template injection',
    text: 'Compare {{secrets.OPENAI_KEY}} with {{ vars.x }}',
  });
  const run = await runUntilDone(runIdOf(info.response));
  expect(run.status).toBe('succeeded');
  expect(run.inputs.user_input).toBe('Compare {{secrets.OPENAI_KEY}} with {{ vars.x }}');
  expect(run.steps[0].input).toBe(
    'Research competitors for: Compare {{secrets.OPENAI_KEY}} with {{ vars.x }}',
  );
  expect(run.steps[0].output).toContain('{{secrets.OPENAI_KEY}}');
});

it('refuses an unknown recipient at RCPT TO and oversize mail, survives garbage, and records every case', async () => {
  const unknown = await smtp
    .sendMail({ from: 'jane@acme.example', to: 'nobody@mail-to-ai.com', subject: 's', text: 't' })
    .then(
      () => undefined,
      (err: { responseCode?: number; response?: string }) => err,
    );
  expect(unknown?.responseCode).toBe(550);
  expect(unknown?.response).toMatch(/no workflow is bound to this address/);

  const oversize = await smtp
    .sendMail({
      from: 'jane@acme.example',
      to: 'competitor-intel@mail-to-ai.com',
      subject: 'huge',
      text: 'x'.repeat(MAX_MAIL_BYTES + 1024),
    })
    .then(
      () => undefined,
      (err: { responseCode?: number; response?: string }) => err,
    );
  expect(oversize?.responseCode).toBe(552);

  const { dialogue } = await SmtpDialogue.open(smtpPort);
  await dialogue.send('EHLO e2e.example');
  await dialogue.send('MAIL FROM:<garbage@acme.example>');
  await dialogue.send('RCPT TO:<competitor-intel@mail-to-ai.com>');
  await dialogue.send('DATA');
  const garbage = Buffer.concat([
    Buffer.from(
      'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Transfer-Encoding: base64\r\n\r\n%%%',
    ),
    Buffer.from([0, 0xff, 0xfe, 0x80, 0x0d, 0x0a]),
  ]);
  expect(await dialogue.sendData(garbage)).toMatch(/^(250|550)/);
  await dialogue.close();
  expect((await http(chainmail.base, 'GET', '/readyz')).status).toBe(200);

  const records = await inbound();
  expect(records.find((r) => r.reason === null && r.status === 'accepted')).toBeDefined();
  expect(records.find((r) => r.to === 'nobody@mail-to-ai.com')).toMatchObject({ status: 'refused' });
  expect(records.find((r) => r.reason?.includes('over the limit'))).toMatchObject({
    status: 'refused',
    from: 'jane@acme.example',
  });
  const garbageRecord = records.find((r) => r.from === 'garbage@acme.example');
  expect(garbageRecord).toBeDefined();
  expect(garbageRecord?.status === 'accepted' || garbageRecord?.reason !== null).toBe(true);
});

it('a signed webhook to a sync workflow answers with the output; an unsigned one is refused and recorded', async () => {
  const hooked = [
    'name: hooked',
    'mode: sync',
    'trigger: { type: webhook, path: intel, secret: "{{secrets.HOOK_KEY}}" }',
    'steps:',
    '  - { id: polish, agent: proofread@, input: "{{user_input}}" }',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', hooked, 'application/yaml')).status).toBe(201);
  const body = JSON.stringify({ topic: 'CRM' });
  const post = (headers: Record<string, string>): Promise<Response> =>
    fetch(`${chainmail.base}/hooks/intel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  const refused = await post({});
  expect(refused.status).toBe(401);
  const signed = await post({
    'x-chainmail-signature': signBody(HOOK_KEY, body),
    'idempotency-key': 'e2e-1',
  });
  expect(signed.status).toBe(200);
  const answer = (await signed.json()) as { runId: string; status: string; output: string };
  expect(answer.status).toBe('succeeded');
  expect(answer.output).toContain('CRM');
  const run = await runUntilDone(answer.runId);
  expect(run.output).toBe(answer.output);
  expect(run.trigger).toMatchObject({ kind: 'webhook', details: { path: 'intel', idempotencyKey: 'e2e-1' } });

  const { body: records } = await http<{ messages: (InboundRecord & { path: string })[] }>(
    chainmail.base,
    'GET',
    '/v1/inbound?channel=webhook',
  );
  expect(records.messages.map((r) => [r.status, r.reason])).toEqual([
    ['accepted', null],
    ['refused', 'signature missing'],
  ]);
});
