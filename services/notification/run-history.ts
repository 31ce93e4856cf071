import type { StoredRunCommit } from '@chainmail/contracts';
import { evolveAll, initialRunState, type RunState } from '@chainmail/engine';
import type { RunSoFar } from './mail-composer';
import type { RunFacts } from './run-facts';

/** A run's log read once, seen as it stood after any of its commits. */
export class RunHistory {
  private readonly states = new Map<number, RunSoFar>();

  constructor(
    readonly facts: RunFacts,
    readonly commits: readonly StoredRunCommit[],
  ) {}

  /** The run as of commit `seq` (inclusive). */
  at(seq: number): RunSoFar {
    let found = this.states.get(seq);
    if (!found) {
      const prefix = this.commits.filter((c) => c.seq <= seq);
      const events = prefix.flatMap((c) => c.events);
      const state: RunState = evolveAll(initialRunState(this.facts.runId), events);
      found = { facts: this.facts, state, events };
      this.states.set(seq, found);
    }
    return found;
  }
}
