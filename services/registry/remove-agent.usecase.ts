import { ChainmailError, type AgentChange, type RemoveAgentRequest } from '@chainmail/contracts';
import type { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { normalizeAgentAddress, parseAgentAddress, type AgentDirectory } from '@chainmail/agents';
import { CATALOG_WAIT_MS, MAX_APPEND_ATTEMPTS, type AgentAppender } from './agent-appender';
import { checkAgentWrite } from './agent-owner';
import { agentsInUse } from './agent-usage';

/**
 * Removes a registered entry (`DELETE /v1/agents/:address`). A builtin of the same address takes
 * its place again. Refused (409) while an active workflow names the address and nothing else
 * would answer it, unless forced: such runs would fail with AGENT_UNKNOWN.
 */
export class RemoveAgent {
  constructor(
    private readonly agents: AgentCatalog,
    private readonly definitions: DefinitionCatalog,
    private readonly builtins: AgentDirectory,
    private readonly log: AgentAppender,
    private readonly clock: () => number = Date.now,
  ) {}

  async execute(request: RemoveAgentRequest): Promise<AgentChange> {
    const address = this.addressOf(request.address);
    for (let attempt = 1; ; attempt++) {
      const current = this.agents.get(address);
      checkAgentWrite(request, current, address, 'delete');
      if (!current) {
        const builtin = this.builtins.has(address);
        throw new ChainmailError(
          'AGENT_NOT_FOUND',
          builtin
            ? `${address} is a builtin agent with no registered entry over it; there is nothing to remove.`
            : `No agent is registered at ${address}.`,
          { address, builtin },
        );
      }
      if (!request.force) this.refuseIfInUse(address);
      try {
        const { seq } = await this.log.append(
          address,
          {
            type: 'AgentRemoved',
            v: 1,
            at: new Date(this.clock()).toISOString(),
            data: { address, by: request.by },
          },
          this.agents.lastSeqOf(address),
        );
        await this.agents.waitFor(seq, CATALOG_WAIT_MS);
        return { address, outcome: 'removed', seq };
      } catch (err) {
        if (!this.log.isConflict(err) || attempt >= MAX_APPEND_ATTEMPTS) throw err;
        await this.agents.waitFor(await this.log.lastSequenceOf(address), CATALOG_WAIT_MS);
      }
    }
  }

  private addressOf(raw: string): string {
    try {
      return normalizeAgentAddress(raw);
    } catch {
      throw new ChainmailError('BAD_REQUEST', `"${raw}" is not an agent address (name@ or name@domain).`, {
        address: raw,
      });
    }
  }

  /** Workflows whose agent would resolve to nothing once this entry is gone. */
  private refuseIfInUse(address: string): void {
    const orphaned: string[] = [];
    for (const [used, workflows] of agentsInUse(this.definitions)) {
      const parsed = parseAgentAddress(used);
      if (!parsed) continue;
      const resolvesHere =
        parsed.address === address || (parsed.local === address && !this.agents.get(parsed.address));
      if (!resolvesHere || this.answeredWithout(address, parsed.address, parsed.local)) continue;
      orphaned.push(...workflows);
    }
    if (orphaned.length === 0) return;
    const names = [...new Set(orphaned)].sort();
    throw new ChainmailError(
      'CONFLICT',
      `${address} is used by ${names.join(', ')} and no builtin answers at that address; removing it would make their runs fail. Change those workflows first, or remove it anyway with force.`,
      { address, workflows: names },
    );
  }

  /** Whether the used address still resolves once `removed` is gone (a builtin, or another entry at its local part). */
  private answeredWithout(removed: string, used: string, local: string): boolean {
    if (this.builtins.has(used)) return true;
    return used !== local && local !== removed && this.agents.get(local) !== undefined;
  }
}
