import { Agent, AgentError, AgentKind } from './agent';
import { normalizeAgentAddress, parseAgentAddress } from './agent-address';

/** What the directory shows about an agent: enough to list, validate and document it. */
export interface AgentEntry {
  address: string;
  kind: AgentKind;
  description: string;
  config: Record<string, unknown>;
}

/**
 * The agent directory: workflows name agents by address and the directory finds them.
 * A full address (`competitor-intel@mail-to-ai.com`) resolves to itself when registered and to
 * its local part (`competitor-intel@`) otherwise, so mail-style addresses work unchanged.
 */
export class AgentDirectory {
  private readonly agents = new Map<string, Agent>();

  constructor(agents: Iterable<Agent> = []) {
    for (const agent of agents) this.register(agent);
  }

  /** Adds an agent, replacing any agent at the same address (binding `research@` to a model replaces the builtin). */
  register(agent: Agent): this {
    this.agents.set(normalizeAgentAddress(agent.address), agent);
    return this;
  }

  unregister(address: string): boolean {
    const key = this.keyOf(address);
    return key !== undefined && this.agents.delete(key);
  }

  has(address: string): boolean {
    return this.keyOf(address) !== undefined;
  }

  resolve(address: string): Agent {
    const key = this.keyOf(address);
    const agent = key === undefined ? undefined : this.agents.get(key);
    if (!agent) {
      const known = [...this.agents.keys()].sort().join(', ') || '(none)';
      throw new AgentError('AGENT_UNKNOWN', `Unknown agent "${address}". Known agents: ${known}`, false);
    }
    return agent;
  }

  /** Every agent, sorted by address. */
  list(): AgentEntry[] {
    return [...this.agents.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([address, agent]) => ({
        address,
        kind: agent.kind,
        description: agent.description,
        config: { ...(agent.config ?? {}) },
      }));
  }

  private keyOf(raw: string): string | undefined {
    const parsed = parseAgentAddress(raw);
    if (!parsed) return undefined;
    if (this.agents.has(parsed.address)) return parsed.address;
    if (parsed.domain !== undefined && this.agents.has(parsed.local)) return parsed.local;
    return undefined;
  }
}
