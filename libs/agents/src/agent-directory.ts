import { Agent, AgentError, AgentKind } from './agent';
import { normalizeAgentAddress, parseAgentAddress } from './agent-address';
import type { AgentFactory } from './adapters/agent-factory';
import type { AgentBinding, AgentBindingSource } from './bindings/agent-binding';
import { maskConfig } from './bindings/mask-config';

/** What the directory shows about an agent: enough to list, validate and document it. */
export interface AgentEntry {
  address: string;
  kind: AgentKind;
  description: string;
  /** Secret references as written; anything credential-like that is not one is masked. */
  config: Record<string, unknown>;
  /** `builtin`: ships with Chainmail (or added in-process); `registered`: an entry of the registry's directory. */
  source: 'builtin' | 'registered';
  owner?: string;
  allowedWorkflows?: string[];
  allowedOwners?: string[];
  concurrency?: number;
  registeredAt?: string;
  registeredBy?: string;
  /** A registered entry that takes the place of a builtin of the same address (DELETE brings the builtin back). */
  overridesBuiltin?: boolean;
}

/** Registered entries and how to build an agent from one. */
export interface RegisteredAgents {
  bindings: AgentBindingSource;
  build: AgentFactory;
}

/** Who is calling: with a workflow, an entry restricted to other workflows is refused. */
export interface ResolveContext {
  workflow?: string;
}

/**
 * The agent directory: workflows name agents by address and the directory finds them.
 * A registered entry (the registry's directory, kept live by the agent catalog) comes before a
 * builtin of the same address, so binding `research@` to a model needs no workflow change and
 * removing the entry brings the builtin back. A full address (`competitor-intel@mail-to-ai.com`)
 * resolves to itself when known and to its local part (`competitor-intel@`) otherwise.
 */
export class AgentDirectory {
  private readonly agents = new Map<string, Agent>();
  /** Agents built from registered entries, rebuilt when the entry changes. */
  private readonly built = new Map<string, { seq: number; agent: Agent }>();

  constructor(
    agents: Iterable<Agent> = [],
    private readonly registered?: RegisteredAgents,
  ) {
    for (const agent of agents) this.register(agent);
  }

  /** Adds an in-process agent, replacing any at the same address. Registered entries still come first. */
  register(agent: Agent): this {
    this.agents.set(normalizeAgentAddress(agent.address), agent);
    return this;
  }

  unregister(address: string): boolean {
    const parsed = parseAgentAddress(address);
    return parsed !== undefined && this.agents.delete(parsed.address);
  }

  has(address: string): boolean {
    return this.find(address) !== undefined;
  }

  resolve(address: string, context: ResolveContext = {}): Agent {
    const found = this.find(address);
    if (!found) {
      throw new AgentError(
        'AGENT_UNKNOWN',
        `Unknown agent "${address}". Known agents: ${this.knownList()}`,
        false,
      );
    }
    if (found.binding === undefined) return found.agent ?? this.missing(address);
    if (!allows(found.binding, context.workflow)) {
      throw new AgentError(
        'AGENT_FORBIDDEN',
        `${found.binding.address} may be used only by the workflows ${found.binding.allowedWorkflows?.join(', ')}, not by ${context.workflow}`,
        false,
      );
    }
    return this.agentOf(found.binding);
  }

  /** Whether a workflow may call the agent at this address (true for builtins and unrestricted entries). */
  allows(address: string, workflow: string): boolean {
    const found = this.find(address);
    return found?.binding === undefined || allows(found.binding, workflow);
  }

  /**
   * Whether the agent at this address is an instant builtin (see `Agent.instant`): a registered
   * entry in its place, even of the same address, is not.
   */
  isInstant(address: string): boolean {
    const found = this.find(address);
    return found?.binding === undefined && found?.agent?.instant === true;
  }

  /** The entry `resolve` would use for this address. */
  entry(address: string): AgentEntry | undefined {
    const found = this.find(address);
    if (!found) return undefined;
    return found.binding
      ? this.registeredEntry(found.binding)
      : found.agent && builtinEntry(found.key, found.agent);
  }

  /** Every address once, the registered entry where there is one; sorted by address. */
  list(): AgentEntry[] {
    const entries = new Map<string, AgentEntry>();
    for (const [address, agent] of this.agents) entries.set(address, builtinEntry(address, agent));
    for (const binding of this.registered?.bindings.list() ?? [])
      entries.set(binding.address, this.registeredEntry(binding));
    return [...entries.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  }

  /** Exact address first, then the local part; at each, a registered entry before a builtin. */
  private find(raw: string): { key: string; binding?: AgentBinding; agent?: Agent } | undefined {
    const parsed = parseAgentAddress(raw);
    if (!parsed) return undefined;
    const keys = parsed.domain !== undefined ? [parsed.address, parsed.local] : [parsed.address];
    for (const key of keys) {
      const binding = this.registered?.bindings.get(key);
      if (binding) return { key, binding };
      const agent = this.agents.get(key);
      if (agent) return { key, agent };
    }
    return undefined;
  }

  private agentOf(binding: AgentBinding): Agent {
    const cached = this.built.get(binding.address);
    if (cached?.seq === binding.seq) return cached.agent;
    if (cached) close(cached.agent);
    const agent = (this.registered as RegisteredAgents).build(binding);
    this.built.set(binding.address, { seq: binding.seq, agent });
    return agent;
  }

  private registeredEntry(binding: AgentBinding): AgentEntry {
    const entry: AgentEntry = {
      address: binding.address,
      kind: binding.kind,
      description: binding.description,
      config: maskConfig(binding.config),
      source: 'registered',
      owner: binding.owner,
      registeredAt: binding.registeredAt,
      registeredBy: binding.by,
      overridesBuiltin: this.agents.has(binding.address),
    };
    if (binding.allowedWorkflows !== undefined) entry.allowedWorkflows = [...binding.allowedWorkflows];
    if (binding.allowedOwners !== undefined) entry.allowedOwners = [...binding.allowedOwners];
    if (binding.concurrency !== undefined) entry.concurrency = binding.concurrency;
    return entry;
  }

  private knownList(): string {
    return (
      this.list()
        .map((e) => e.address)
        .join(', ') || '(none)'
    );
  }

  private missing(address: string): never {
    throw new AgentError('AGENT_UNKNOWN', `Unknown agent "${address}"`, false);
  }
}

function builtinEntry(address: string, agent: Agent): AgentEntry {
  return {
    address,
    kind: agent.kind,
    description: agent.description,
    config: maskConfig(agent.config ?? {}),
    source: 'builtin',
  };
}

function allows(binding: AgentBinding, workflow: string | undefined): boolean {
  return (
    workflow === undefined ||
    binding.allowedWorkflows === undefined ||
    binding.allowedWorkflows.includes(workflow)
  );
}

/** Adapters holding connections let them go when their entry is replaced. */
function close(agent: Agent): void {
  const closable = agent as Agent & { close?: () => void };
  closable.close?.();
}
