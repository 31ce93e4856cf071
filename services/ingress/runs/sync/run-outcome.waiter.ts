import type { RunEnd } from '@chainmail/persistence';
import type { RunEndListener } from './run-end-feed';

export type RunOutcome =
  | { status: 'running' }
  | { status: 'succeeded'; output: string | null }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string; stepId?: string } | null };

/** Where a waiter learns a run's end: as it is committed, and as the read model has it. */
export interface RunEnds {
  listen(runId: string, listener: RunEndListener): () => void;
  current(runId: string): Promise<RunEnd | null>;
}

const RUNNING: RunOutcome = { status: 'running' };

/**
 * Holds a request until its run ends (`sync` mode, `?wait=true`), or gives up after `timeoutMs`
 * with "running" so the caller polls instead. It listens for the terminal commit as it is appended
 * and answers with that event's own data (nothing is folded); it also asks the read model, once at
 * the start (a run that ended before the wait began) and once at the deadline (an end this process
 * did not hear of). A `fresh` run (its id made for this very request) cannot have ended before the
 * wait began but for a moment ago, which the feed's recent ends cover: the first read is spared.
 */
export class RunOutcomeWaiter {
  constructor(private readonly ends: RunEnds) {}

  wait(
    runId: string,
    timeoutMs: number,
    signal?: AbortSignal,
    options: { fresh?: boolean } = {},
  ): Promise<RunOutcome> {
    if (timeoutMs <= 0 || signal?.aborted === true) return Promise.resolve(RUNNING);
    return new Promise<RunOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: RunOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        stopListening();
        signal?.removeEventListener('abort', onAbort);
        resolve(outcome);
      };
      const fromView = (orElse: RunOutcome | undefined): void => {
        this.ends.current(runId).then(
          (end) => (end !== null ? finish(outcomeOf(end)) : orElse !== undefined && finish(orElse)),
          () => orElse !== undefined && finish(orElse),
        );
      };
      const onAbort = (): void => finish(RUNNING);
      const stopListening = this.ends.listen(runId, (end) => finish(outcomeOf(end)));
      const timer = setTimeout(() => fromView(RUNNING), timeoutMs);
      signal?.addEventListener('abort', onAbort);
      if (options.fresh !== true) fromView(undefined);
    });
  }
}

function outcomeOf(end: RunEnd): RunOutcome {
  if (end.status === 'succeeded') return { status: 'succeeded', output: end.output };
  const { code, message, stepId } = end.error;
  return { status: end.status, error: { code, message, stepId } };
}
