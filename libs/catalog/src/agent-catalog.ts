import type { AgentRegisteredData, DefinitionEvent } from '@chainmail/contracts';
import { SequenceWaiters } from './sequence-waiters';

/** A registered agent as the directory sees it: the event's data and when it was registered. */
export interface RegisteredAgent extends AgentRegisteredData {
  registeredAt: string;
  /** Stream sequence of the event that registered this entry: changes whenever the entry does. */
  seq: number;
}

/**
 * The agent directory's registered entries, folded from the AgentRegistered / AgentRemoved events
 * of DEFINITION_EVENTS. Every process keeps one, fed live with the definition catalog, so a
 * registration made through any replica is resolved by every execution replica moments later.
 * Builtins are not here: they ship with the code (see `AgentDirectory`).
 */
export class AgentCatalog {
  private readonly entries = new Map<string, RegisteredAgent>();
  /** Last sequence per address, removals included: the expected sequence of the next append. */
  private readonly lastSeqs = new Map<string, number>();
  private readonly waiters = new SequenceWaiters('agent catalog');

  get appliedSeq(): number {
    return this.waiters.applied;
  }

  apply(seq: number, event: DefinitionEvent): void {
    if (seq <= this.waiters.applied) return;
    switch (event.type) {
      case 'AgentRegistered':
        this.entries.set(event.data.address, { ...event.data, registeredAt: event.at, seq });
        this.lastSeqs.set(event.data.address, seq);
        break;
      case 'AgentRemoved':
        this.entries.delete(event.data.address);
        this.lastSeqs.set(event.data.address, seq);
        break;
      default:
        // Workflow events share the stream: they only move the position.
        break;
    }
    this.waiters.reached(seq);
  }

  /** The entry at exactly this normalized address. */
  get(address: string): RegisteredAgent | undefined {
    return this.entries.get(address);
  }

  list(): RegisteredAgent[] {
    return [...this.entries.values()].sort((a, b) =>
      a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
    );
  }

  /** Stream sequence of the last event on this address's subject; 0 when there was none. */
  lastSeqOf(address: string): number {
    return this.lastSeqs.get(address) ?? 0;
  }

  /** Resolves once the fold has reached `seq` (read-your-writes after a put or delete), or rejects. */
  waitFor(seq: number, timeoutMs: number): Promise<void> {
    return this.waiters.waitFor(seq, timeoutMs);
  }
}
