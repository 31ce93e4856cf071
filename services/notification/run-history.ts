import type { StoredRunCommit } from '@chainmail/contracts';
import type { RunRecord } from '@chainmail/persistence';
import type { RunSoFar } from './mail-composer';
import type { RunFacts } from './run-facts';

/**
 * A run's log up to the commit being handled (what notices it owes), with its views once the
 * projector has reached that commit (what the notices say). Nothing is folded here.
 */
export class RunHistory {
  constructor(
    readonly facts: RunFacts,
    readonly commits: readonly StoredRunCommit[],
    readonly run: RunRecord,
  ) {}

  /** How many times the run was rewound before commit `seq` (a delivery-plan input). */
  rewindsBefore(seq: number): number {
    return this.commits
      .filter((c) => c.seq < seq)
      .reduce((n, c) => n + c.events.filter((e) => e.type === 'RunRewound').length, 0);
  }

  /** The run for a notice of commit `seq`: the events up to it (inclusive) and the views. */
  at(seq: number): RunSoFar {
    const events = this.commits.filter((c) => c.seq <= seq).flatMap((c) => c.events);
    return { facts: this.facts, run: this.run, events };
  }
}
