/**
 * The agent directory as registry-owned events on DEFINITION_EVENTS, one subject per address
 * (`agents.<address token>`, see `agentSubjectToken`). Every process folds them into its live
 * agent catalog; the directory resolves a registered entry before a builtin of the same address.
 */

/** Kinds an entry may have. `builtin` entries ship with Chainmail and are never events. */
export type AgentKindName = 'builtin' | 'openai' | 'http' | 'email' | 'workflow';

export interface AgentRegisteredData {
  /** Normalized (`research@`, `research@mail-to-ai.com`). */
  address: string;
  kind: AgentKindName;
  description: string;
  /** Kind-specific settings. Secrets appear only as `{{secrets.NAME}}` references, never values. */
  config: Record<string, unknown>;
  owner: string;
  /** Workflows that may call this agent; absent: any workflow. */
  allowedWorkflows?: string[];
  /** Owners whose runs may call it besides its owner (`user:<id>`, `team:<id>`, `*`). */
  allowedOwners?: string[];
  /** At most this many calls at once, across all replicas; absent: no limit. */
  concurrency?: number;
  /** Who registered it (`api`, `cli`, `config`). */
  by: string;
}

export interface AgentRemovedData {
  address: string;
  by: string;
}

/** `PUT /v1/agents/:address`, as the registry receives it (`registry.agents.put`). */
export interface PutAgentRequest {
  address: string;
  /** The body as sent: validated by the registry, which answers AGENT_INVALID with each field. */
  body: unknown;
  by: string;
  /** The owner a new entry gets; a changed entry keeps its owner. */
  owner: string;
  /** Owners the caller may write entries of (editor or owner; the installation's for admins); absent: trusted (configuration). */
  mayWrite?: string[];
  /** Owners whose entries the caller sees: an entry of one it may not write is 403, another's address is 409. */
  visibleTo?: string[];
}

/** `DELETE /v1/agents/:address` (`registry.agents.delete`). */
export interface RemoveAgentRequest {
  address: string;
  by: string;
  /** Remove even though active workflows name the address and nothing else would answer it. */
  force?: boolean;
  mayWrite?: string[];
  visibleTo?: string[];
}

/** The registry's answer to put and delete: the stream sequence to wait for (read-your-writes). */
export interface AgentChange {
  address: string;
  /** `registered`: a new event; `unchanged`: the same entry was already there; `removed`. */
  outcome: 'registered' | 'unchanged' | 'removed';
  seq: number;
}

/**
 * An address as one NATS subject token. `@`, letters, digits and `-` stay; every other character
 * (`.`, `+`, `_`) becomes `_` and two hex digits, so `research@mail-to-ai.com` is
 * `research@mail-to-ai_2ecom` and the mapping is one to one.
 */
export function agentSubjectToken(address: string): string {
  return address.replace(/[^a-z0-9@-]/g, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `_${code.toString(16).padStart(2, '0')}` : `_u${code.toString(16)}_`;
  });
}
