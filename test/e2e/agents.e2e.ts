import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  eventually,
  http,
  ROOT,
  setSecret,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/**
 * The seed's competitor-analysis, unchanged, with research@ bound in turn to an OpenAI-compatible
 * model, to an HTTP agent, and back to the builtin, through the directory's REST API against the
 * built all-in-one process.
 */

const API_KEY = 'sk-e2e-0123456789abcdef';
const HOOK_SECRET = 'agent-hmac-e2e-secret';

interface Step {
  stepId: string;
  status: string;
  agent: string;
  input: string;
  output: string;
  usage: { promptTokens?: number; completionTokens?: number; costUsd?: number } | null;
}
interface RunBody {
  status: string;
  output: string | null;
  steps: Step[];
}

let chainmail: ChainmailUnderTest;
let model: Local;
let receiver: Local;

interface Local {
  url: string;
  requests: { path: string; headers: IncomingMessage['headers']; body: string }[];
  server: Server;
}

async function listen(
  handler: (body: string, req: IncomingMessage, res: ServerResponse) => void,
): Promise<Local> {
  const requests: Local['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body });
      handler(body, req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

beforeAll(async () => {
  // A chat-completions server: answers with a recognisable text and token usage.
  model = await listen((body, _req, res) => {
    const request = JSON.parse(body) as { model: string; messages: { role: string; content: string }[] };
    const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        model: `${request.model}-2024-07-18`,
        choices: [{ index: 0, message: { role: 'assistant', content: `FAKE MODEL research on: ${user}` } }],
        usage: { prompt_tokens: 1000, completion_tokens: 2000, total_tokens: 3000 },
      }),
    );
  });
  // An HTTP agent that checks the signature before answering.
  receiver = await listen((body, req, res) => {
    const expected = Buffer.from(`sha256=${createHmac('sha256', HOOK_SECRET).update(body).digest('hex')}`);
    const given = Buffer.from(String(req.headers['x-chainmail-signature'] ?? ''));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad signature' }));
      return;
    }
    const payload = JSON.parse(body) as { input: string; run: { id: string }; step: { id: string } };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `HTTP AGENT research (${payload.step.id}) on: ${payload.input}` }));
  });
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
    CHAINMAIL_MODEL_PRICES: JSON.stringify({ 'gpt-4o-mini': { input: 0.15, output: 0.6 } }),
  });
  // The agents' keys are the run owner's secrets (the admin publishes and runs here).
  await setSecret(chainmail.base, 'FAKE_OPENAI_KEY', API_KEY);
  await setSecret(chainmail.base, 'RESEARCH_HOOK', HOOK_SECRET);
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  const published = await http(chainmail.base, 'POST', '/v1/workflows', seed, 'application/yaml');
  expect(published.status).toBe(201);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  for (const local of [model, receiver]) {
    local?.server.closeAllConnections();
    await new Promise((r) => local?.server.close(r));
  }
});

async function runSeed(): Promise<{ id: string; run: RunBody }> {
  const started = await http<{ runId: string }>(
    chainmail.base,
    'POST',
    '/v1/workflows/competitor-analysis/runs',
    {
      inputs: { user_input: 'Analyze our competitors in the CRM space' },
    },
  );
  expect(started.status).toBe(202);
  const id = started.body.runId;
  const run = await eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${id} to end`,
  );
  return { id, run };
}

it('runs the seed with research@ bound to an OpenAI-compatible model, recording usage and cost', async () => {
  const put = await http<{ outcome: string; agent: { kind: string; source: string } }>(
    chainmail.base,
    'PUT',
    '/v1/agents/research@',
    {
      kind: 'openai',
      config: {
        baseUrl: `${model.url}/v1`,
        model: 'gpt-4o-mini',
        apiKey: '{{secrets.FAKE_OPENAI_KEY}}',
        systemPrompt: 'You research.',
      },
    },
  );
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({ outcome: 'registered', agent: { kind: 'openai', source: 'registered' } });

  const { id, run } = await runSeed();
  expect(run.status).toBe('succeeded');
  const research = run.steps.find((s) => s.stepId === 'research');
  expect(research?.output).toBe(
    'FAKE MODEL research on: Research competitors for: Analyze our competitors in the CRM space',
  );
  expect(research?.usage).toEqual({ promptTokens: 1000, completionTokens: 2000, costUsd: 0.00135 });
  expect(run.steps.find((s) => s.stepId === 'summarize')?.input).toContain('FAKE MODEL research on:');

  const call = model.requests.at(-1);
  expect(call?.path).toBe('/v1/chat/completions');
  expect(call?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  // The key is used on the wire only: never in the run's events or the directory's answers.
  const events = await http(chainmail.base, 'GET', `/v1/runs/${id}/events`);
  expect(JSON.stringify(events.body)).not.toContain(API_KEY);
  expect(JSON.stringify((await http(chainmail.base, 'GET', '/v1/agents')).body)).not.toContain(API_KEY);
});

it('runs it again with research@ bound to a signed HTTP agent', async () => {
  const put = await http(chainmail.base, 'PUT', '/v1/agents/research@', {
    kind: 'http',
    config: { url: `${receiver.url}/research`, secret: '{{secrets.RESEARCH_HOOK}}' },
  });
  expect(put.status).toBe(200);
  const { id, run } = await runSeed();
  expect(run.status).toBe('succeeded');
  expect(run.steps.find((s) => s.stepId === 'research')?.output).toBe(
    'HTTP AGENT research (research) on: Research competitors for: Analyze our competitors in the CRM space',
  );
  const delivered = receiver.requests.at(-1);
  expect(JSON.parse(delivered?.body ?? '')).toMatchObject({
    run: { id },
    step: { id: 'research', attempt: 1 },
  });
  expect(delivered?.headers['idempotency-key']).toMatch(new RegExp(`^${id}/research/`));
});

it('runs it with the builtin again once the entry is deleted', async () => {
  const removed = await http<{ outcome: string; now: { source: string } }>(
    chainmail.base,
    'DELETE',
    '/v1/agents/research@',
  );
  expect(removed.status).toBe(200);
  expect(removed.body).toMatchObject({ outcome: 'removed', now: { source: 'builtin' } });
  const calls = model.requests.length + receiver.requests.length;
  const { run } = await runSeed();
  expect(run.status).toBe('succeeded');
  expect(run.steps.find((s) => s.stepId === 'research')?.output).toMatch(/^Offline research stand-in/);
  expect(model.requests.length + receiver.requests.length).toBe(calls);
});
