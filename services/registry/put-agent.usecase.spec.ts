import { ChainmailError, type DefinitionEvent } from '@chainmail/contracts';
import { InMemoryRegistryLog } from './agent-directory.fixture';
import { PutAgent } from './put-agent.usecase';

const body = { kind: 'openai', config: { baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2' } };
const request = (over: Record<string, unknown> = {}) => ({
  address: 'Research@',
  body,
  by: 'api',
  owner: 'team-a',
  ...over,
});

async function invalid(promise: Promise<unknown>): Promise<ChainmailError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ChainmailError) return err;
    throw err;
  }
  throw new Error('expected AGENT_INVALID');
}

describe('PutAgent', () => {
  it('appends AgentRegistered on the normalized address, folded before it returns', async () => {
    const log = new InMemoryRegistryLog();
    const change = await new PutAgent(log.agents, log.agentLog, () =>
      Date.parse('2025-01-01T00:00:00Z'),
    ).execute(request());
    expect(change).toEqual({ address: 'research@', outcome: 'registered', seq: 1 });
    expect(log.events[0]).toEqual({
      type: 'AgentRegistered',
      v: 1,
      at: '2025-01-01T00:00:00.000Z',
      data: {
        address: 'research@',
        kind: 'openai',
        description: 'Model llama3.2 at http://127.0.0.1:11434/v1 (OpenAI-compatible chat completions)',
        config: body.config,
        owner: 'team-a',
        by: 'api',
      },
    });
    expect(log.agents.get('research@')?.kind).toBe('openai');
  });

  it('writes nothing when the same entry is already registered, whatever the key order', async () => {
    const log = new InMemoryRegistryLog();
    const put = new PutAgent(log.agents, log.agentLog);
    await put.execute(request());
    const again = await put.execute(
      request({
        body: { config: { model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1/' }, kind: 'openai' },
      }),
    );
    expect(again).toEqual({ address: 'research@', outcome: 'unchanged', seq: 1 });
    expect(log.events).toHaveLength(1);
  });

  it('replaces a changed entry after the last event of its address, keeping the first owner', async () => {
    const log = new InMemoryRegistryLog();
    const put = new PutAgent(log.agents, log.agentLog);
    await put.execute(request());
    const changed = await put.execute(
      request({ body: { ...body, concurrency: 2 }, owner: 'team-b', mayWrite: ['team-a', 'team-b'] }),
    );
    expect(changed).toMatchObject({ outcome: 'registered', seq: 2 });
    expect(log.agents.get('research@')).toMatchObject({ concurrency: 2, owner: 'team-a' });
  });

  it('lets the configuration (a trusted caller) name the owner of its own entries', async () => {
    const log = new InMemoryRegistryLog();
    const put = new PutAgent(log.agents, log.agentLog);
    await put.execute(request({ owner: 'default' }));
    const moved = await put.execute(request({ owner: 'installation' }));
    expect(moved.outcome).toBe('registered');
    expect(log.agents.get('research@')?.owner).toBe('installation');
  });

  it("refuses another owner's address: 409 when its owner is unseen, 403 when seen without the role", async () => {
    const log = new InMemoryRegistryLog();
    const put = new PutAgent(log.agents, log.agentLog);
    await put.execute(request({ owner: 'team:a' }));
    const taken = await invalid(
      put.execute(request({ owner: 'user:b', mayWrite: ['user:b'], visibleTo: ['user:b'] })),
    );
    expect(taken.code).toBe('CONFLICT');
    expect(JSON.stringify(taken)).not.toContain('team:a');
    const viewer = await invalid(
      put.execute(request({ owner: 'user:b', mayWrite: ['user:b'], visibleTo: ['user:b', 'team:a'] })),
    );
    expect(viewer.code).toBe('FORBIDDEN');
    expect(log.events).toHaveLength(1);
    const editor = await put.execute(
      request({ body: { ...body, concurrency: 4 }, owner: 'user:b', mayWrite: ['user:b', 'team:a'] }),
    );
    expect(editor.outcome).toBe('registered');
    expect(log.agents.get('research@')).toMatchObject({ owner: 'team:a', concurrency: 4 });
  });

  it('decides again when another replica wrote the address in between', async () => {
    const log = new InMemoryRegistryLog();
    const other: DefinitionEvent = {
      type: 'AgentRegistered',
      v: 1,
      at: 'x',
      data: {
        address: 'research@',
        kind: 'http',
        description: 'd',
        config: { url: 'https://x.example' },
        owner: 'o',
        by: 'other',
      },
    };
    log.sneak('agents.research@', other);
    const change = await new PutAgent(log.agents, log.agentLog).execute(
      request({ mayWrite: ['team-a', 'o'] }),
    );
    expect(change).toMatchObject({ outcome: 'registered', seq: 2 });
    expect(log.agents.get('research@')).toMatchObject({ kind: 'openai', owner: 'o' });
  });

  it('answers AGENT_INVALID with every field that is wrong', async () => {
    const log = new InMemoryRegistryLog();
    const error = await invalid(
      new PutAgent(log.agents, log.agentLog).execute(
        request({ body: { kind: 'openai', config: { baseUrl: 'nope' } } }),
      ),
    );
    expect(error.code).toBe('AGENT_INVALID');
    expect(error.status).toBe(422);
    expect(error.message).toContain('2 problems');
    expect(error.details).toEqual({
      issues: [
        { field: 'config.baseUrl', message: 'must be an http(s) URL, got "nope"' },
        { field: 'config.model', message: 'is required' },
      ],
    });
    const one = await invalid(
      new PutAgent(log.agents, log.agentLog).execute(request({ body: { kind: 'smtp' } })),
    );
    expect(one.message).toBe(
      'The agent entry for "Research@" is invalid: kind unknown kind "smtp": one of openai, http, email, workflow.',
    );
    expect(log.events).toHaveLength(0);
  });
});
