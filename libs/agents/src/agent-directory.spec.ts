import { Agent, AgentError } from './agent';
import { normalizeAgentAddress, parseAgentAddress } from './agent-address';
import { agentCall } from './agent-call.fixture';
import { AgentDirectory } from './agent-directory';
import { createDefaultDirectory } from './default-directory';

const fake = (address: string, output = address): Agent => ({
  address,
  kind: 'http',
  description: `fake ${address}`,
  config: { url: 'https://agents.example/x' },
  invoke: () => Promise.resolve({ output }),
});

function unknownError(fn: () => unknown): AgentError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AgentError) return err;
    throw err;
  }
  throw new Error('expected an AgentError');
}

describe('agent addresses', () => {
  it.each([
    ['research@', 'research@'],
    ['Research@', 'research@'],
    ['  SUMMARIZE@  ', 'summarize@'],
    ['research', 'research@'],
    ['<Competitor-Intel@Mail-To-AI.com>', 'competitor-intel@mail-to-ai.com'],
    ['mailto:write-report@example.org', 'write-report@example.org'],
  ])('normalizes %j to %j', (raw, expected) => {
    expect(normalizeAgentAddress(raw)).toBe(expected);
  });

  it.each(['', '@', 'two words@', 'a@@b', 'x@-bad-.com', 'x@domain..com', '-lead@'])('refuses %j', (raw) => {
    expect(parseAgentAddress(raw)).toBeUndefined();
    expect(() => normalizeAgentAddress(raw)).toThrow(
      expect.objectContaining({ code: 'AGENT_BAD_ADDRESS', retryable: false }),
    );
  });

  it('splits a full address into its local part and domain', () => {
    expect(parseAgentAddress('Research@Mail-To-AI.com')).toEqual({
      address: 'research@mail-to-ai.com',
      local: 'research@',
      domain: 'mail-to-ai.com',
    });
  });
});

describe('AgentDirectory', () => {
  it('resolves whatever the case and spacing of the address', () => {
    const directory = new AgentDirectory([fake('research@')]);
    expect(directory.resolve('Research@').address).toBe('research@');
    expect(directory.resolve(' RESEARCH@ ').address).toBe('research@');
    expect(directory.has('research@')).toBe(true);
  });

  it('resolves a full address to its local part when only the local part is registered', () => {
    const directory = new AgentDirectory([fake('competitor-intel@')]);
    expect(directory.resolve('competitor-intel@mail-to-ai.com').address).toBe('competitor-intel@');
    expect(directory.has('Competitor-Intel@Mail-To-AI.com')).toBe(true);
  });

  it('prefers a registered full address over its local part', async () => {
    const directory = new AgentDirectory([
      fake('research@', 'local'),
      fake('research@partner.example', 'partner'),
    ]);
    const call = agentCall('research@partner.example', 'x');
    await expect(directory.resolve('research@partner.example').invoke(call)).resolves.toEqual({
      output: 'partner',
    });
    await expect(directory.resolve('research@other.example').invoke(call)).resolves.toEqual({
      output: 'local',
    });
  });

  it('does not resolve a local address to an agent registered only under a full address', () => {
    const directory = new AgentDirectory([fake('research@partner.example')]);
    expect(directory.has('research@')).toBe(false);
  });

  it('refuses an unknown address with AGENT_UNKNOWN, not retryable, listing the known agents', () => {
    const directory = new AgentDirectory([fake('summarize@'), fake('research@')]);
    const error = unknownError(() => directory.resolve('translate@'));
    expect(error.code).toBe('AGENT_UNKNOWN');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('translate@');
    expect(error.message).toContain('Known agents: research@, summarize@');
    expect(directory.has('translate@')).toBe(false);
  });

  it('treats text that is not an address as unknown', () => {
    const directory = new AgentDirectory([fake('research@')]);
    expect(directory.has('not an address')).toBe(false);
    expect(unknownError(() => directory.resolve('not an address')).code).toBe('AGENT_UNKNOWN');
  });

  it('refuses to register an agent whose address is not an address', () => {
    expect(() => new AgentDirectory([fake('no spaces allowed@')])).toThrow(
      expect.objectContaining({ code: 'AGENT_BAD_ADDRESS' }),
    );
  });

  it('replaces an agent registered again at the same address (binding research@ to a model)', () => {
    const directory = new AgentDirectory([fake('research@')]);
    const model: Agent = { ...fake('Research@'), kind: 'openai', description: 'research with a model' };
    directory.register(model);
    expect(directory.resolve('research@')).toBe(model);
    expect(directory.list()).toHaveLength(1);
  });

  it('unregisters by any spelling of the address', () => {
    const directory = new AgentDirectory([fake('research@')]);
    expect(directory.unregister('RESEARCH@')).toBe(true);
    expect(directory.has('research@')).toBe(false);
    expect(directory.unregister('research@')).toBe(false);
  });

  it('lists entries sorted by address with kind, description and a copy of the config', () => {
    const directory = new AgentDirectory([fake('b@'), fake('a@')]);
    const entries = directory.list();
    expect(entries.map((e) => e.address)).toEqual(['a@', 'b@']);
    expect(entries[0]).toEqual({
      address: 'a@',
      kind: 'http',
      description: 'fake a@',
      config: { url: 'https://agents.example/x' },
      source: 'builtin',
    });
    entries[0].config.url = 'changed';
    expect(directory.list()[0].config.url).toBe('https://agents.example/x');
  });
});

describe('createDefaultDirectory', () => {
  it('holds every builtin agent the seed and the tests use', () => {
    const directory = createDefaultDirectory();
    const addresses = directory.list().map((e) => e.address);
    expect(addresses).toEqual([
      'echo@',
      'email-sender@',
      'fail@',
      'flaky@',
      'proofread@',
      'research@',
      'sleep@',
      'summarize@',
      'uppercase@',
      'write-contract@',
      'write-report@',
    ]);
    for (const entry of directory.list()) {
      expect(entry.kind).toBe('builtin');
      expect(entry.description.length).toBeGreaterThan(10);
    }
  });

  it('gives each call a fresh directory, so registering in one does not leak into another', () => {
    createDefaultDirectory().register(fake('extra@'));
    expect(createDefaultDirectory().has('extra@')).toBe(false);
  });
});

describe('AgentError', () => {
  it('wraps anything thrown: AbortError as a cancellation, other errors as failures', () => {
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(AgentError.from(abort)).toMatchObject({ code: 'AGENT_CANCELLED', retryable: false });
    expect(AgentError.from(new Error('socket hang up'), true)).toMatchObject({
      code: 'AGENT_FAILED',
      retryable: true,
      message: 'socket hang up',
    });
    expect(AgentError.from('plain string')).toMatchObject({
      code: 'AGENT_FAILED',
      retryable: false,
      message: 'plain string',
    });
    const original = new AgentError('AGENT_TIMEOUT', 'late', true);
    expect(AgentError.from(original)).toBe(original);
  });

  it('is recorded in run events as a StepError', () => {
    expect(new AgentError('AGENT_TIMEOUT', 'took too long', true).toStepError()).toEqual({
      code: 'AGENT_TIMEOUT',
      message: 'took too long',
      retryable: true,
    });
  });
});
