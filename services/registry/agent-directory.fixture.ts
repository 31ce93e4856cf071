import type { DefinitionEvent } from '@chainmail/contracts';
import { AgentCatalog, DefinitionCatalog } from '@chainmail/catalog';
import { AgentError } from '@chainmail/agents';
import type { AgentAppender } from './agent-appender';
import type { DefinitionAppender } from './publish-workflow.usecase';

/** The registry's log in memory: one sequence for workflows and agents, folded at once into both catalogs. */
export class InMemoryRegistryLog {
  readonly agents = new AgentCatalog();
  readonly definitions = new DefinitionCatalog();
  readonly events: DefinitionEvent[] = [];
  private readonly last = new Map<string, number>();

  readonly agentLog: AgentAppender = {
    append: (address, event, expected) => Promise.resolve(this.append(`agents.${address}`, event, expected)),
    lastSequenceOf: (address) => Promise.resolve(this.last.get(`agents.${address}`) ?? 0),
    isConflict: (err) => err instanceof AgentError && err.code === 'CONFLICT_TEST',
  };

  readonly definitionLog: DefinitionAppender = {
    append: (name, event, expected) => Promise.resolve(this.append(`definitions.${name}`, event, expected)),
    lastSequenceOf: (name) => Promise.resolve(this.last.get(`definitions.${name}`) ?? 0),
    isConflict: (err) => err instanceof AgentError && err.code === 'CONFLICT_TEST',
  };

  /** Appends as another replica would, behind the catalogs' back until `catchUp`. */
  private pending: [number, DefinitionEvent][] = [];

  sneak(subject: string, event: DefinitionEvent): void {
    const seq = this.events.push(event);
    this.last.set(subject, seq);
    this.pending.push([seq, event]);
  }

  private append(subject: string, event: DefinitionEvent, expected: number): { seq: number } {
    if ((this.last.get(subject) ?? 0) !== expected) {
      // The real log would answer AppendConflict; the use case waits for its catalog, so fold now.
      this.catchUp();
      throw new AgentError('CONFLICT_TEST', `expected ${expected}`, false);
    }
    const seq = this.events.push(event);
    this.last.set(subject, seq);
    this.agents.apply(seq, event);
    this.definitions.apply(seq, event);
    return { seq };
  }

  catchUp(): void {
    for (const [seq, event] of this.pending.splice(0)) {
      this.agents.apply(seq, event);
      this.definitions.apply(seq, event);
    }
  }
}
