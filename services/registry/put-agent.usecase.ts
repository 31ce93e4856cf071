import {
  ChainmailError,
  type AgentChange,
  type AgentRegisteredData,
  type DefinitionEvent,
  type PutAgentRequest,
} from '@chainmail/contracts';
import type { AgentCatalog, RegisteredAgent } from '@chainmail/catalog';
import { validateAgentEntry, type AgentEntrySpec } from '@chainmail/agents';
import { CATALOG_WAIT_MS, MAX_APPEND_ATTEMPTS, type AgentAppender } from './agent-appender';
import { checkAgentWrite, ownerAfterPut } from './agent-owner';

/**
 * Registers an agent at an address (`PUT /v1/agents/:address`): validates the entry for its kind
 * and appends AgentRegistered, unless the same entry is already there. The registry's own catalog
 * has folded the event when this returns, so a workflow naming the agent can be published at once.
 */
export class PutAgent {
  constructor(
    private readonly catalog: AgentCatalog,
    private readonly log: AgentAppender,
    private readonly clock: () => number = Date.now,
  ) {}

  async execute(request: PutAgentRequest): Promise<AgentChange> {
    const checked = validateAgentEntry(request.address, request.body);
    if (!checked.ok) {
      const { issues } = checked;
      const first = issues[0];
      const summary =
        issues.length === 1 && first
          ? `${first.field ? `${first.field} ` : ''}${first.message}`
          : `${issues.length} problems; see details.issues`;
      throw new ChainmailError(
        'AGENT_INVALID',
        `The agent entry for "${request.address}" is invalid: ${summary}.`,
        { issues },
      );
    }
    const { entry } = checked;
    for (let attempt = 1; ; attempt++) {
      const current = this.catalog.get(entry.address);
      // Checked against the entry as it is now (again after a conflict): nobody takes over another's address.
      checkAgentWrite(request, current, entry.address, 'put');
      const owner = ownerAfterPut(request, current);
      if (current && current.owner === owner && sameEntry(current, entry))
        return { address: entry.address, outcome: 'unchanged', seq: current.seq };
      const data: AgentRegisteredData = { ...entry, owner, by: request.by };
      const event: DefinitionEvent = {
        type: 'AgentRegistered',
        v: 1,
        at: new Date(this.clock()).toISOString(),
        data,
      };
      try {
        const { seq } = await this.log.append(entry.address, event, this.catalog.lastSeqOf(entry.address));
        await this.catalog.waitFor(seq, CATALOG_WAIT_MS);
        return { address: entry.address, outcome: 'registered', seq };
      } catch (err) {
        if (!this.log.isConflict(err) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
        // Another replica wrote this address in between: catch up, then decide again.
        await this.catalog.waitFor(await this.log.lastSequenceOf(entry.address), CATALOG_WAIT_MS);
      }
    }
  }
}

function sameEntry(current: RegisteredAgent, entry: AgentEntrySpec): boolean {
  return (
    current.kind === entry.kind &&
    current.description === entry.description &&
    current.concurrency === entry.concurrency &&
    stable(current.config) === stable(entry.config) &&
    stable(current.allowedWorkflows ?? null) === stable(entry.allowedWorkflows ?? null) &&
    stable(current.allowedOwners ?? null) === stable(entry.allowedOwners ?? null)
  );
}

/** JSON with sorted keys, so key order does not make two equal configs differ. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}
