import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';

const AGENTS = [
  {
    address: 'echo@',
    kind: 'builtin',
    source: 'builtin',
    description: 'Returns its input unchanged.',
    config: {},
  },
  {
    address: 'research@',
    kind: 'openai',
    source: 'registered',
    overridesBuiltin: true,
    description: 'Model llama3.2 at http://127.0.0.1:11434/v1 (OpenAI-compatible chat completions)',
    config: {},
  },
];

const MAP_FILE = `# bind the research agent to a local model
research@:
  kind: openai
  description: Research with Llama
  config:
    baseUrl: http://127.0.0.1:11434/v1
    model: llama3.2
    temperature: 0.2
analyst@:
  kind: http
  config:
    url: https://agents.example/analyst
    secret: "{{secrets.ANALYST_KEY}}"
  allowedWorkflows: [competitor-analysis]
  concurrency: 2
`;

describe('agent commands', () => {
  let api: FakeApiServer;
  let dir: string;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainmail-agents-'));
    const put = (address: string) => (req: { body: string }, res: Parameters<typeof sendJson>[0]) => {
      const body = JSON.parse(req.body) as { kind?: string; config?: { baseUrl?: string } };
      if (body.config?.baseUrl === 'localhost:11434') {
        return sendJson(res, 422, {
          error: {
            code: 'AGENT_INVALID',
            message: 'The agent entry for "research@" is invalid: 2 problems; see details.issues.',
            details: {
              issues: [
                { field: 'config.baseUrl', message: 'must be an http(s) URL, got "localhost:11434"' },
                { field: 'config.model', message: 'is required' },
              ],
            },
          },
        });
      }
      sendJson(res, 200, {
        outcome: address === 'analyst@' ? 'unchanged' : 'registered',
        agent: { address, kind: body.kind, source: 'registered', description: '' },
      });
    };
    api = await FakeApiServer.start({
      'GET /v1/agents': (_req, res) => sendJson(res, 200, { agents: AGENTS }),
      'PUT /v1/agents/research@': put('research@'),
      'PUT /v1/agents/analyst@': put('analyst@'),
      'DELETE /v1/agents/research@': (_req, res) =>
        sendJson(res, 200, {
          outcome: 'removed',
          address: 'research@',
          now: { address: 'research@', kind: 'builtin', source: 'builtin', description: 'x' },
        }),
      'DELETE /v1/agents/analyst@': (req, res) =>
        req.query.get('force') === 'true'
          ? sendJson(res, 200, { outcome: 'removed', address: 'analyst@', now: null })
          : sendJson(res, 409, {
              error: {
                code: 'CONFLICT',
                message: 'analyst@ is used by reports',
                details: { address: 'analyst@', workflows: ['reports'] },
              },
            }),
    });
  });

  afterEach(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('`agents` lists the directory with kind and source', async () => {
    const result = await run(['agents']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^ADDRESS\s+KIND\s+SOURCE\s+DESCRIPTION$/);
    expect(result.stdout).toMatch(/echo@\s+builtin\s+builtin\s+Returns its input unchanged\./);
    expect(result.stdout).toMatch(/research@\s+openai\s+registered \(over builtin\)\s+Model llama3\.2/);
  });

  it('`agents apply -f` PUTs each entry of a map file as JSON, without the address, and says what happened', async () => {
    const file = join(dir, 'agents.yaml');
    await writeFile(file, MAP_FILE);
    const result = await run(['agents', 'apply', '-f', file]);
    expect(result).toEqual({
      code: 0,
      stdout: 'research@: registered (openai)\nanalyst@: unchanged (http)\n',
      stderr: '',
    });
    const research = api.last('PUT', '/v1/agents/research@');
    expect(research?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(research?.body ?? '')).toEqual({
      kind: 'openai',
      description: 'Research with Llama',
      config: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', temperature: 0.2 },
    });
    expect(JSON.parse(api.last('PUT', '/v1/agents/analyst@')?.body ?? '')).toMatchObject({
      allowedWorkflows: ['competitor-analysis'],
      concurrency: 2,
    });
  });

  it('accepts the list form under agents:', async () => {
    const file = join(dir, 'agents.yml');
    await writeFile(
      file,
      'agents:\n  - address: Research@\n    kind: openai\n    config: { baseUrl: "http://127.0.0.1:11434/v1", model: llama3.2 }\n',
    );
    const result = await run(['agents', 'apply', '-f', file]);
    expect(result.stdout).toBe('research@: registered (openai)\n');
    expect(JSON.parse(api.last('PUT', '/v1/agents/research@')?.body ?? '')).not.toHaveProperty('address');
  });

  it("shows the server's field errors at the FILE:LINE:COLUMN of the field, or of its parent when it is missing", async () => {
    const file = join(dir, 'agents.yaml');
    await writeFile(file, 'research@:\n  kind: openai\n  config:\n    baseUrl: localhost:11434\n');
    const result = await run(['agents', 'apply', '-f', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${file}:4:14: research@ config.baseUrl: must be an http(s) URL, got "localhost:11434"\n` +
        `${file}:4:5: research@ config.model: is required\n`,
    );
  });

  it('refuses a file that is not YAML, or not a list or map of agents, before sending anything', async () => {
    const file = join(dir, 'agents.yaml');
    await writeFile(file, 'research@:\n  kind: openai\n   config: [\n');
    const broken = await run(['agents', 'apply', '-f', file]);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: `));
    await writeFile(file, '- kind: openai\n- address: a@\n  kind: http\n- address: A@\n  kind: http\n');
    const shape = await run(['agents', 'apply', '-f', file]);
    expect(shape.stderr).toBe(
      `${file}:1:3: each entry of the list needs an address (address: research@)\n${file}:4:12: A@ is listed twice\n`,
    );
    await writeFile(file, 'just text\n');
    expect((await run(['agents', 'apply', '-f', file])).stderr).toContain('expected a list of agents');
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('`agents rm` removes an entry and says the builtin answers again; a refusal names the workflows', async () => {
    expect(await run(['agents', 'rm', 'research@'])).toEqual({
      code: 0,
      stdout: 'research@: removed; the builtin research@ answers again\n',
      stderr: '',
    });
    const refused = await run(['agents', 'rm', 'analyst@']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('error CONFLICT: analyst@ is used by reports');
    expect(await run(['agents', 'rm', 'analyst@', '--force'])).toMatchObject({
      code: 0,
      stdout: 'analyst@: removed\n',
    });
  });
});
