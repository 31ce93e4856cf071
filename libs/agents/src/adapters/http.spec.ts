import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentError, type AgentCall } from '../agent';
import { agentCall } from '../agent-call.fixture';
import { LocalServer, sendJson, type Handler, type ReceivedRequest } from '../testing/local-server.fixture';
import { agentRuntime } from './agent-runtime';
import { httpAgent, validateHttpConfig, type HttpAgentConfig } from './http';

const SECRET = 'receiver-shared-secret';

/** What a receiver does: recompute the HMAC of the raw body and compare in constant time. */
function signatureValid(req: ReceivedRequest): boolean {
  const expected = `sha256=${createHmac('sha256', SECRET).update(req.body).digest('hex')}`;
  const given = Buffer.from(String(req.headers['x-chainmail-signature'] ?? ''));
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}

describe('http adapter', () => {
  let server: LocalServer | undefined;
  const closers: (() => void)[] = [];
  const agent = async (handler: Handler, config: Partial<HttpAgentConfig> = {}, allowPrivate = true) => {
    server = await LocalServer.start(handler);
    const a = httpAgent(
      'research@',
      'research service',
      { url: `${server.url}/agent`, secret: '{{secrets.AGENT_KEY}}', ...config },
      agentRuntime({ network: { allowPrivate, allowedHosts: [] } }),
    );
    closers.push(a.close);
    // The run owner's values come with each call, as execution resolves them.
    const secrets = { AGENT_KEY: SECRET, TOKEN: 'tok-abcdef' };
    return { ...a, invoke: (call: AgentCall) => a.invoke({ secrets, ...call }) };
  };

  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await server?.close();
    server = undefined;
  });

  it('posts {input, run, step} signed with the secret and keyed for idempotency; a receiver verifies it', async () => {
    const a = await agent((req, res) =>
      signatureValid(req)
        ? sendJson(res, 200, {
            output: `researched: ${(JSON.parse(req.body) as { input: string }).input}`,
            usage: { prompt_tokens: 3, completionTokens: 4, costUsd: 0.01 },
          })
        : sendJson(res, 401, { error: 'bad signature' }),
    );
    const result = await a.invoke(
      agentCall('research@', 'CRM', {
        runId: 'r1',
        stepId: 'research',
        attempt: 2,
        idempotencyKey: 'r1/research/1/2',
        workflow: 'competitor-analysis',
      }),
    );
    expect(result).toEqual({
      output: 'researched: CRM',
      usage: { promptTokens: 3, completionTokens: 4, costUsd: 0.01 },
    });
    const req = server?.received[0];
    expect(JSON.parse(req?.body ?? '')).toEqual({
      input: 'CRM',
      run: { id: 'r1', workflow: 'competitor-analysis' },
      step: { id: 'research', attempt: 2 },
    });
    expect(req?.headers['idempotency-key']).toBe('r1/research/1/2');
    expect(req?.headers['content-type']).toBe('application/json');
  });

  it('is refused by a receiver when the signature is wrong (the key is the secret, not its name)', async () => {
    const a = await agent(
      (req, res) =>
        signatureValid(req)
          ? sendJson(res, 200, { output: 'ok' })
          : sendJson(res, 401, { error: 'bad signature' }),
      {
        secret: '{{secrets.TOKEN}}',
      },
    );
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: expect.stringContaining('bad signature'),
    });
  });

  it('sends no signature without a secret, and resolves secret references in headers', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, { output: 'ok' }), {
      secret: undefined,
      headers: { Authorization: 'Bearer {{secrets.TOKEN}}' },
    });
    await a.invoke(agentCall('research@', 'x'));
    expect(server?.received[0]?.headers['x-chainmail-signature']).toBeUndefined();
    expect(server?.received[0]?.headers.authorization).toBe('Bearer tok-abcdef');
  });

  it('takes a text/* body as the output, and JSON output that is not a string as JSON text', async () => {
    let mode: 'text' | 'object' = 'text';
    const a = await agent((_req, res) => {
      if (mode === 'text') {
        res.writeHead(200, { 'Content-Type': 'text/markdown; charset=utf-8' });
        res.end('# Findings\n');
      } else {
        sendJson(res, 200, { output: { competitors: ['A', 'B'] } });
      }
    });
    await expect(a.invoke(agentCall('research@', 'x'))).resolves.toEqual({ output: '# Findings\n' });
    mode = 'object';
    await expect(a.invoke(agentCall('research@', 'x'))).resolves.toEqual({
      output: '{"competitors":["A","B"]}',
    });
  });

  it('maps statuses like the openai adapter: 429/5xx retryable with Retry-After, 4xx permanent', async () => {
    let status = 429;
    const a = await agent((_req, res) =>
      sendJson(res, status, { error: { message: `status ${status}` } }, { 'Retry-After': '2' }),
    );
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_RATE_LIMITED',
      retryable: true,
      retryAfterMs: 2000,
    });
    status = 502;
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: true,
      retryAfterMs: 2000,
    });
    status = 404;
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: expect.stringContaining('status 404'),
    });
  });

  it('fails retryably on a JSON answer without output, and on a timeout', async () => {
    const a = await agent(
      (req, res) => (req.body.includes('slow') ? undefined : sendJson(res, 200, { result: 'x' })),
      { timeoutMs: 120 },
    );
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: true,
      message: expect.stringContaining('no "output"'),
    });
    await expect(a.invoke(agentCall('research@', 'slow'))).rejects.toMatchObject({
      code: 'AGENT_TIMEOUT',
      retryable: true,
    });
  });

  it('fails retryably when nothing listens', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, { output: 'x' }));
    await server?.close();
    const error = await a.invoke(agentCall('research@', 'x')).catch((e: unknown) => e);
    server = undefined;
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({
      code: 'AGENT_FAILED',
      retryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('refuses its loopback URL when private addresses are not allowed', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, { output: 'x' }), {}, false);
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_REFUSED_ADDRESS',
      retryable: false,
    });
    expect(server?.received).toHaveLength(0);
  });
});

describe('validateHttpConfig', () => {
  it('needs an http(s) URL and a secret given as a reference', () => {
    expect(
      validateHttpConfig({ url: 'https://agents.example/research', secret: '{{secrets.K}}', timeoutMs: 5000 })
        .issues,
    ).toEqual([]);
    expect(
      validateHttpConfig({ url: 'https://user:pw@agents.example', secret: 'plain', timeout: 5 }).issues.map(
        (i) => i.field,
      ),
    ).toEqual(['config.timeout', 'config.url', 'config.secret']);
    expect(validateHttpConfig({}).issues).toEqual([{ field: 'config.url', message: 'is required' }]);
  });
});
