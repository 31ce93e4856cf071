import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * `CHAINMAIL_MODEL_URL` (what `chainmail up --model` sets), with every service in a process of
 * its own: the registry binds the example agents to the model at start, execution (another
 * process) resolves them from its live catalog and reaches the configured endpoint although it
 * is on loopback, while an agent pointed at another loopback port is refused (SSRF guard on).
 */

let chainmail: ChainmailUnderTest;
let model: Server;
let modelUrl: string;
const seen: { system: string; user: string }[] = [];

beforeAll(async () => {
  model = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const { messages } = JSON.parse(body) as { messages: { role: string; content: string }[] };
      const system = messages.find((m) => m.role === 'system')?.content ?? '';
      const user = messages.find((m) => m.role === 'user')?.content ?? '';
      seen.push({ system, user });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          choices: [{ message: { role: 'assistant', content: `LLAMA(${user.slice(0, 20)})` } }],
          usage: { prompt_tokens: 10, completion_tokens: 5 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => model.listen(0, '127.0.0.1', resolve));
  modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}/v1`;
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'ingress'], {
    CHAINMAIL_MODEL_URL: modelUrl,
    CHAINMAIL_MODEL_NAME: 'llama3.2',
  });
  const seed = await readFile(join(ROOT, 'examples', 'competitor-analysis.yaml'), 'utf8');
  await eventually(
    async () => {
      const published = await http(chainmail.base, 'POST', '/v1/workflows', seed, 'application/yaml');
      return published.status === 201 ? true : undefined;
    },
    15_000,
    'the registry to publish',
  );
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  model?.closeAllConnections();
  await new Promise((r) => model?.close(r));
});

async function runSeed(): Promise<{
  status: string;
  steps: { stepId: string; output: string; error: { code: string; message: string } | null }[];
}> {
  const started = await http<{ runId: string }>(
    chainmail.base,
    'POST',
    '/v1/workflows/competitor-analysis/runs',
    {
      inputs: { user_input: 'CRM competitors' },
    },
  );
  return eventually(
    async () => {
      const { status, body } = await http<Awaited<ReturnType<typeof runSeed>>>(
        chainmail.base,
        'GET',
        `/v1/runs/${started.body.runId}`,
      );
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    'the run to end',
  );
}

it('binds the four example agents to the configured model at start', async () => {
  const { body } = await http<{
    agents: { address: string; kind: string; registeredBy?: string; config: Record<string, unknown> }[];
  }>(chainmail.base, 'GET', '/v1/agents');
  const bound = body.agents.filter((a) => a.kind === 'openai');
  expect(bound.map((a) => a.address).sort()).toEqual([
    'proofread@',
    'research@',
    'summarize@',
    'write-report@',
  ]);
  expect(bound[0]).toMatchObject({
    registeredBy: 'config',
    config: { baseUrl: modelUrl, model: 'llama3.2' },
  });
});

it('runs the seed on the model, each role with its own system prompt, from an execution process of its own', async () => {
  const run = await runSeed();
  expect(run.status).toBe('succeeded');
  expect(run.steps.map((s) => s.output)).toEqual([
    'LLAMA(Research competitors)',
    'LLAMA(Summarize this resea)',
    'LLAMA(Create a competitive)',
    'LLAMA(Review and polish: L)',
  ]);
  expect(seen.map((s) => s.system.split(' ').slice(0, 3).join(' '))).toEqual([
    'You are a',
    'You summarize text.',
    'You write business',
    'You are a',
  ]);
});

it('refuses an agent on another loopback address when private addresses are not allowed', async () => {
  const put = await http(chainmail.base, 'PUT', '/v1/agents/research@', {
    kind: 'http',
    config: { url: 'http://127.0.0.1:9/research' },
  });
  expect(put.status).toBe(200);
  const run = await runSeed();
  expect(run.status).toBe('failed');
  expect(run.steps[0]?.error).toMatchObject({ code: 'AGENT_REFUSED_ADDRESS' });
  expect(run.steps[0]?.error?.message).toContain('loopback');
});
