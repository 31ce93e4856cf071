import { AgentError, type AgentCall } from '../agent';
import { agentCall } from '../agent-call.fixture';
import { completion, LocalServer, sendJson, type Handler } from '../testing/local-server.fixture';
import { agentRuntime, type AgentRuntime } from './agent-runtime';
import { openAiAgent, validateOpenAiConfig, type OpenAiConfig } from './openai';

const PRICES = { 'gpt-4o-mini': { input: 0.15, output: 0.6 } };

describe('openai adapter', () => {
  let server: LocalServer | undefined;
  const closers: (() => void)[] = [];
  const notices: string[] = [];
  const runtime = (over: Partial<Parameters<typeof agentRuntime>[0]> = {}): AgentRuntime =>
    agentRuntime({
      prices: PRICES,
      network: { allowPrivate: true, allowedHosts: [] },
      notice: (m) => notices.push(m),
      ...over,
    });
  const agent = async (handler: Handler, config: Partial<OpenAiConfig> = {}, rt = runtime()) => {
    server = await LocalServer.start(handler);
    const a = openAiAgent(
      'research@',
      'research with a model',
      { baseUrl: `${server.url}/v1`, model: 'gpt-4o-mini', ...config },
      rt,
    );
    closers.push(a.close);
    // The run owner's values come with each call, as execution resolves them.
    const secrets = { OPENAI_KEY: 'sk-test-0123456789' };
    return { ...a, invoke: (call: AgentCall) => a.invoke({ secrets, ...call }) };
  };
  const failure = async (promise: Promise<unknown>): Promise<AgentError> => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof AgentError) return err;
      throw err;
    }
    throw new Error('expected the call to fail');
  };

  afterEach(async () => {
    for (const close of closers.splice(0)) close();
    await server?.close();
    server = undefined;
    notices.length = 0;
  });

  it('posts the chat completion and returns the content with tokens and the estimated cost', async () => {
    const a = await agent(
      (_req, res) =>
        sendJson(
          res,
          200,
          completion('Three CRM competitors: A, B, C.', { prompt_tokens: 1000, completion_tokens: 2000 }),
        ),
      {
        systemPrompt: 'You are a research analyst.',
        temperature: 0.2,
        maxTokens: 500,
        apiKey: '{{secrets.OPENAI_KEY}}',
        headers: { 'OpenAI-Organization': 'org-1' },
      },
    );
    const result = await a.invoke(agentCall('research@', 'Research competitors for: CRM'));
    expect(result).toEqual({
      output: 'Three CRM competitors: A, B, C.',
      usage: { promptTokens: 1000, completionTokens: 2000, costUsd: 0.00135 },
    });
    const req = server?.received[0];
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe('/v1/chat/completions');
    expect(req?.headers.authorization).toBe('Bearer sk-test-0123456789');
    expect(req?.headers['openai-organization']).toBe('org-1');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      model: 'gpt-4o-mini',
      stream: false,
      temperature: 0.2,
      max_tokens: 500,
      messages: [
        { role: 'system', content: 'You are a research analyst.' },
        { role: 'user', content: 'Research competitors for: CRM' },
      ],
    });
  });

  it('records tokens without a cost for a model with no price, and says so once', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, completion('ok', undefined, 'llama3.2')), {
      model: 'llama3.2',
    });
    const first = await a.invoke(agentCall('research@', 'x'));
    await a.invoke(agentCall('research@', 'y'));
    expect(first.usage).toEqual({ promptTokens: 12, completionTokens: 30 });
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain('no price for model llama3.2');
    expect(notices[0]).toContain('CHAINMAIL_MODEL_PRICES');
  });

  it('sends no system message and no Authorization when none is configured', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, completion('ok')));
    await a.invoke(agentCall('research@', 'hello'));
    const req = server?.received[0];
    expect(req?.headers.authorization).toBeUndefined();
    expect(JSON.parse(req?.body ?? '').messages).toEqual([{ role: 'user', content: 'hello' }]);
  });

  it('turns a 429 into a retryable rate limit honouring Retry-After in seconds', async () => {
    const a = await agent((_req, res) =>
      sendJson(
        res,
        429,
        { error: { message: 'Rate limit reached for gpt-4o-mini', type: 'requests' } },
        { 'Retry-After': '7' },
      ),
    );
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_RATE_LIMITED', retryable: true, retryAfterMs: 7000 });
    expect(error.message).toContain('Rate limit reached for gpt-4o-mini');
    expect(error.toStepError()).toEqual({
      code: 'AGENT_RATE_LIMITED',
      message: error.message,
      retryable: true,
      retryAfterMs: 7000,
    });
  });

  it('reads Retry-After as an HTTP date', async () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const a = await agent(
      (_req, res) =>
        sendJson(res, 503, 'overloaded', {
          'Retry-After': 'Sat, 01 Mar 2025 12:00:30 GMT',
          'Content-Type': 'text/plain',
        }),
      {},
      runtime({ now: () => now }),
    );
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: true, retryAfterMs: 30_000 });
    expect(error.message).toContain('HTTP 503');
  });

  it('turns a 500 into a retryable failure', async () => {
    const a = await agent((_req, res) =>
      sendJson(res, 500, { error: { message: 'The server had an error' } }),
    );
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: true });
    expect(error.retryAfterMs).toBeUndefined();
    expect(error.message).toContain('The server had an error');
  });

  it('turns a 400 into a permanent failure with the server message, the API key masked', async () => {
    const a = await agent(
      (_req, res) =>
        sendJson(res, 400, { error: { message: "Invalid model 'gpt-5-nano' for key sk-test-0123456789" } }),
      { apiKey: '{{secrets.OPENAI_KEY}}' },
    );
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: false });
    expect(error.message).toContain("Invalid model 'gpt-5-nano' for key ***");
    expect(error.message).not.toContain('sk-test-0123456789');
  });

  it('times out retryably when the server does not answer within timeoutMs', async () => {
    const a = await agent(() => undefined, { timeoutMs: 150 });
    const started = Date.now();
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_TIMEOUT', retryable: true });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("gives up at the call's deadline when it comes before timeoutMs", async () => {
    const a = await agent(() => undefined, { timeoutMs: 60_000 });
    const error = await failure(a.invoke(agentCall('research@', 'x', { deadline: Date.now() + 100 })));
    expect(error).toMatchObject({ code: 'AGENT_TIMEOUT', retryable: true });
  });

  it("rejects with the caller's abort reason when the call is cancelled", async () => {
    const a = await agent(() => undefined);
    const controller = new AbortController();
    const pending = a.invoke(agentCall('research@', 'x', { signal: controller.signal }));
    setTimeout(() => controller.abort(new AgentError('AGENT_TIMEOUT', 'step timeout', true)), 50);
    await expect(pending).rejects.toMatchObject({ code: 'AGENT_TIMEOUT', message: 'step timeout' });
  });

  it('turns malformed JSON and a missing content into retryable failures that say so', async () => {
    let body = '{"choices": [ {"message": ';
    const a = await agent((_req, res) => sendJson(res, 200, body));
    const malformed = await failure(a.invoke(agentCall('research@', 'x')));
    expect(malformed).toMatchObject({ code: 'AGENT_FAILED', retryable: true });
    expect(malformed.message).toContain('not JSON');
    body = JSON.stringify({ choices: [] });
    const empty = await failure(a.invoke(agentCall('research@', 'x')));
    expect(empty).toMatchObject({ code: 'AGENT_FAILED', retryable: true });
    expect(empty.message).toContain('choices[0].message.content');
  });

  it('fails permanently when the model refuses', async () => {
    const a = await agent((_req, res) =>
      sendJson(res, 200, {
        choices: [{ message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }],
      }),
    );
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: expect.stringContaining('I cannot help'),
    });
  });

  it('fails permanently, naming the secret and how to set it, when the API key secret is not set', async () => {
    const a = await agent((_req, res) => sendJson(res, 200, completion('ok')), {
      apiKey: '{{secrets.MISSING}}',
    });
    await expect(a.invoke(agentCall('research@', 'x'))).rejects.toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: expect.stringContaining('chainmail secrets set MISSING'),
    });
    expect(server?.received).toHaveLength(0);
  });

  it('refuses a loopback endpoint unless the operator allows private addresses', async () => {
    const a = await agent(
      (_req, res) => sendJson(res, 200, completion('ok')),
      {},
      runtime({ network: { allowPrivate: false, allowedHosts: [] } }),
    );
    const error = await failure(a.invoke(agentCall('research@', 'x')));
    expect(error).toMatchObject({ code: 'AGENT_REFUSED_ADDRESS', retryable: false });
    expect(error.message).toContain('loopback');
    expect(server?.received).toHaveLength(0);
  });

  it('follows a same-host 307 and refuses a redirect to another host', async () => {
    const other = await LocalServer.start((_req, res) => sendJson(res, 200, completion('elsewhere')));
    try {
      const a = await agent((req, res) => {
        if (req.path === '/v1/chat/completions') {
          res.writeHead(307, { Location: '/v2/chat/completions' });
          res.end();
        } else if (req.path === '/v2/chat/completions') {
          res.writeHead(308, {
            Location: `${other.url.replace('127.0.0.1', 'localhost')}/v1/chat/completions`,
          });
          res.end();
        }
      });
      const error = await failure(a.invoke(agentCall('research@', 'x')));
      expect(server?.received.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v2/chat/completions']);
      expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: false });
      expect(error.message).toContain('only 307/308 redirects on the same host');
      expect(other.received).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});

describe('validateOpenAiConfig', () => {
  it('accepts a full config and trims the trailing slash of the base URL', () => {
    const { config, issues } = validateOpenAiConfig({
      baseUrl: 'http://127.0.0.1:11434/v1/',
      model: 'llama3.2',
      systemPrompt: 'Be brief.',
      temperature: 0.7,
      maxTokens: 256,
      apiKey: '{{secrets.OLLAMA}}',
      timeoutMs: 30_000,
      headers: { 'X-Team': 'research' },
    });
    expect(issues).toEqual([]);
    expect(config.baseUrl).toBe('http://127.0.0.1:11434/v1');
  });

  it('names every field that is wrong', () => {
    const { issues } = validateOpenAiConfig({
      baseUrl: 'ftp://models.example',
      temperature: 3,
      maxTokens: 1.5,
      apiKey: 'sk-live-123',
      systemprompt: 'x',
      headers: { Authorization: 'Bearer sk-live-123' },
    });
    expect(issues.map((i) => i.field)).toEqual([
      'config.systemprompt',
      'config.baseUrl',
      'config.model',
      'config.temperature',
      'config.maxTokens',
      'config.apiKey',
      'config.headers.Authorization',
    ]);
    expect(issues[0]?.message).toContain('did you mean systemPrompt?');
    expect(issues.find((i) => i.field === 'config.apiKey')?.message).toContain('{{secrets.');
  });

  it('refuses templates other than secret references', () => {
    const { issues } = validateOpenAiConfig({
      baseUrl: 'https://api.openai.com/v1',
      model: '{{inputs.model}}',
    });
    expect(issues).toEqual([
      { field: 'config.model', message: 'may hold only {{secrets.NAME}} references, not {{inputs.model}}' },
    ]);
  });
});

describe('a call aborted by the step timeout', () => {
  it('rejects with a retryable AGENT_TIMEOUT, not a cancellation', async () => {
    const server = await LocalServer.start(() => undefined);
    const a = openAiAgent(
      'research@',
      'x',
      { baseUrl: server.url, model: 'm' },
      agentRuntime({ network: { allowPrivate: true, allowedHosts: [] } }),
    );
    try {
      await expect(
        a.invoke(agentCall('research@', 'x', { signal: AbortSignal.timeout(50) })),
      ).rejects.toMatchObject({
        code: 'AGENT_TIMEOUT',
        retryable: true,
      });
    } finally {
      a.close();
      await server.close();
    }
  });
});
