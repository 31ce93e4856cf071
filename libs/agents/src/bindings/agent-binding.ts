import type { AgentKind } from '../agent';

/**
 * A registered directory entry, as the live agent catalog holds it (folded from AgentRegistered
 * events). The directory builds an agent from it with the kind's adapter.
 */
export interface AgentBinding {
  address: string;
  kind: AgentKind;
  description: string;
  config: Record<string, unknown>;
  owner: string;
  allowedWorkflows?: string[];
  /** Owners whose runs may call it besides its own; absent: its owner's only (the installation's: everyone). */
  allowedOwners?: string[];
  concurrency?: number;
  by: string;
  registeredAt: string;
  /** Changes whenever the entry does: the directory rebuilds its agent then. */
  seq: number;
}

/** Where the directory finds registered entries: the process's live agent catalog. */
export interface AgentBindingSource {
  /** The entry at exactly this normalized address. */
  get(address: string): AgentBinding | undefined;
  list(): AgentBinding[];
}
