import { Agent, AgentError } from './agent';
import { agentCall } from './agent-call.fixture';
import { AgentDirectory } from './agent-directory';
import type { AgentBinding, AgentBindingSource } from './bindings/agent-binding';
import { createDefaultDirectory } from './default-directory';

/** A stand-in for the live agent catalog: entries change underneath the directory. */
class Bindings implements AgentBindingSource {
  private readonly entries = new Map<string, AgentBinding>();
  private seq = 0;
  put(address: string, extra: Partial<AgentBinding> = {}): void {
    this.seq += 1;
    this.entries.set(address, {
      address,
      kind: 'http',
      description: `registered ${address}`,
      config: { url: 'https://agents.example/x', secret: '{{secrets.KEY}}' },
      owner: 'team-a',
      by: 'api',
      registeredAt: '2025-01-01T00:00:00.000Z',
      seq: this.seq,
      ...extra,
    });
  }
  remove(address: string): void {
    this.entries.delete(address);
  }
  get(address: string): AgentBinding | undefined {
    return this.entries.get(address);
  }
  list(): AgentBinding[] {
    return [...this.entries.values()];
  }
}

const builtin = (address: string): Agent => ({
  address,
  kind: 'builtin',
  description: `builtin ${address}`,
  invoke: (call) => Promise.resolve({ output: `builtin ${call.input}` }),
});

function setup() {
  const bindings = new Bindings();
  const builds: AgentBinding[] = [];
  const closed: string[] = [];
  const directory = new AgentDirectory([builtin('research@'), builtin('summarize@')], {
    bindings,
    build: (binding) => {
      builds.push(binding);
      return {
        address: binding.address,
        kind: binding.kind,
        description: binding.description,
        config: binding.config,
        invoke: (call) => Promise.resolve({ output: `${binding.kind}#${binding.seq} ${call.input}` }),
        close: () => closed.push(`${binding.address}#${binding.seq}`),
      } as Agent;
    },
  });
  return { bindings, builds, closed, directory };
}

describe('AgentDirectory with registered entries', () => {
  it('resolves a registered entry before the builtin of the same address, and the builtin again once it is removed', async () => {
    const { bindings, directory } = setup();
    const call = agentCall('research@', 'x');
    await expect(directory.resolve('research@').invoke(call)).resolves.toEqual({ output: 'builtin x' });
    bindings.put('research@', { kind: 'openai' });
    await expect(directory.resolve('Research@').invoke(call)).resolves.toEqual({ output: 'openai#1 x' });
    bindings.remove('research@');
    await expect(directory.resolve('research@').invoke(call)).resolves.toEqual({ output: 'builtin x' });
  });

  it('builds an agent once per version of an entry and closes the one it replaces', () => {
    const { bindings, builds, closed, directory } = setup();
    bindings.put('analyst@');
    const first = directory.resolve('analyst@');
    expect(directory.resolve('analyst@')).toBe(first);
    bindings.put('analyst@', { kind: 'openai' });
    expect(directory.resolve('analyst@')).not.toBe(first);
    expect(builds.map((b) => b.seq)).toEqual([1, 2]);
    expect(closed).toEqual(['analyst@#1']);
  });

  it('knows registered addresses, full ones falling back to their local part', () => {
    const { bindings, directory } = setup();
    expect(directory.has('analyst@')).toBe(false);
    bindings.put('analyst@');
    bindings.put('research@mail-to-ai.com', { kind: 'openai' });
    expect(directory.has('analyst@')).toBe(true);
    expect(directory.has('analyst@corp.example')).toBe(true);
    expect(directory.resolve('research@mail-to-ai.com').kind).toBe('openai');
    // The local part stays the builtin: only the full address was registered.
    expect(directory.resolve('research@').kind).toBe('builtin');
    expect(directory.resolve('research@other.example').kind).toBe('builtin');
  });

  it('lists each address once with its source, masking nothing that is a reference', () => {
    const { bindings, directory } = setup();
    bindings.put('research@', {
      config: {
        url: 'https://a.example',
        secret: '{{secrets.KEY}}',
        headers: { Authorization: 'Bearer sk-literal' },
      },
    });
    bindings.put('analyst@', { allowedWorkflows: ['w'], concurrency: 2 });
    const list = directory.list();
    expect(list.map((e) => [e.address, e.source, e.overridesBuiltin])).toEqual([
      ['analyst@', 'registered', false],
      ['research@', 'registered', true],
      ['summarize@', 'builtin', undefined],
    ]);
    expect(list[1]?.config).toEqual({
      url: 'https://a.example',
      secret: '{{secrets.KEY}}',
      headers: { Authorization: '***' },
    });
    expect(list[0]).toMatchObject({
      owner: 'team-a',
      allowedWorkflows: ['w'],
      concurrency: 2,
      registeredBy: 'api',
    });
    expect(directory.entry('research@')?.source).toBe('registered');
    expect(directory.entry('summarize@')?.source).toBe('builtin');
    expect(directory.entry('ghost@')).toBeUndefined();
  });

  it('refuses a workflow an entry is not allowed for, when the caller says which workflow it is', () => {
    const { bindings, directory } = setup();
    bindings.put('analyst@', { allowedWorkflows: ['reports'] });
    expect(directory.resolve('analyst@', { workflow: 'reports' }).address).toBe('analyst@');
    expect(directory.resolve('analyst@').address).toBe('analyst@');
    expect(directory.allows('analyst@', 'other')).toBe(false);
    expect(directory.allows('research@', 'other')).toBe(true);
    let error: unknown;
    try {
      directory.resolve('analyst@', { workflow: 'other' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'AGENT_FORBIDDEN', retryable: false });
  });

  it('names registered agents among the known ones when an address is unknown', () => {
    const { bindings, directory } = setup();
    bindings.put('analyst@');
    expect(() => directory.resolve('ghost@')).toThrow(/Known agents: analyst@, research@, summarize@/);
  });

  it('keeps the default directory builtin-only', () => {
    expect(
      createDefaultDirectory()
        .list()
        .every((e) => e.source === 'builtin'),
    ).toBe(true);
  });
});
