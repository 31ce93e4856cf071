import type { AgentRegisteredData, DefinitionEvent } from '@chainmail/contracts';
import { AgentCatalog } from './agent-catalog';
import { DefinitionCatalog } from './definition-catalog';

const at = '2025-01-01T00:00:00.000Z';
const registered = (address: string, extra: Partial<AgentRegisteredData> = {}): DefinitionEvent => ({
  type: 'AgentRegistered',
  v: 1,
  at,
  data: {
    address,
    kind: 'openai',
    description: 'd',
    config: { model: 'm' },
    owner: 'o',
    by: 'api',
    ...extra,
  },
});
const removed = (address: string): DefinitionEvent => ({
  type: 'AgentRemoved',
  v: 1,
  at,
  data: { address, by: 'api' },
});
const rolledBack: DefinitionEvent = {
  type: 'WorkflowRolledBack',
  v: 1,
  at,
  data: { name: 'w', fromVersion: 2, toVersion: 1, by: 'x' },
};

describe('AgentCatalog', () => {
  it('folds registrations, replacements and removals per address', () => {
    const catalog = new AgentCatalog();
    catalog.apply(1, registered('research@'));
    catalog.apply(2, registered('b@'));
    catalog.apply(3, registered('research@', { kind: 'http', config: { url: 'https://x.example' } }));
    expect(catalog.get('research@')).toMatchObject({ kind: 'http', seq: 3, registeredAt: at });
    expect(catalog.list().map((a) => a.address)).toEqual(['b@', 'research@']);
    catalog.apply(4, removed('research@'));
    expect(catalog.get('research@')).toBeUndefined();
    expect(catalog.lastSeqOf('research@')).toBe(4);
    expect(catalog.lastSeqOf('b@')).toBe(2);
    expect(catalog.lastSeqOf('never@')).toBe(0);
  });

  it('ignores events it has already applied, and moves past workflow events', () => {
    const catalog = new AgentCatalog();
    catalog.apply(5, registered('a@'));
    catalog.apply(5, removed('a@'));
    catalog.apply(3, removed('a@'));
    expect(catalog.get('a@')).toBeDefined();
    catalog.apply(6, rolledBack);
    expect(catalog.appliedSeq).toBe(6);
  });

  it('lets a caller wait for its own write, and times out otherwise', async () => {
    const catalog = new AgentCatalog();
    const waiting = catalog.waitFor(2, 1_000);
    catalog.apply(1, registered('a@'));
    catalog.apply(2, registered('b@'));
    await expect(waiting).resolves.toBeUndefined();
    await expect(catalog.waitFor(9, 20)).rejects.toThrow(/sequence 9/);
  });

  it('shares the stream with the definition catalog: each takes its own events', () => {
    const agents = new AgentCatalog();
    const definitions = new DefinitionCatalog();
    for (const [seq, event] of [
      [1, registered('a@')],
      [2, rolledBack],
    ] as const) {
      agents.apply(seq, event);
      definitions.apply(seq, event);
    }
    expect(agents.list()).toHaveLength(1);
    expect(definitions.list()).toHaveLength(0);
    expect(definitions.appliedSeq).toBe(2);
  });
});
