import type { DefinitionCatalog } from '@chainmail/catalog';
import type { ErrorPolicy, RetryPolicy } from '@chainmail/contracts';
import type { RunDetail, RunFailure } from '@chainmail/persistence';
import { stepGraph } from '@chainmail/workflow-dsl';

/** What the failing step's error policy was, and what it did. */
export interface FailurePolicy {
  /** The step's `retry` (null: none). */
  retry: RetryPolicy | null;
  /** The step's `on_error`: abort (the default), skip, continue, or goto. */
  onError: ErrorPolicy['kind'];
  /** In words: how often the step was tried and how the run ended because of it. */
  did: string;
}

export type RunFailureView = RunFailure & { policy: FailurePolicy | null };

/**
 * A failed run's view with its failing step's error policy from the run's pinned version (the
 * definition catalog), and what that policy did. No failure, nothing added.
 */
export function withFailurePolicy(
  run: RunDetail,
  catalog: Pick<DefinitionCatalog, 'version'>,
): RunDetail & { failure: RunFailureView | null } {
  const failure = run.failure;
  if (failure === null) return { ...run, failure: null };
  const definition = catalog.version(run.workflow, run.version)?.definition;
  const id = failure.step?.replace(/\[\d+\]$/, '');
  const step = id === undefined || definition === undefined ? undefined : stepGraph(definition).find(id);
  if (step === undefined) return { ...run, failure: { ...failure, policy: null } };
  const tries = Math.max(failure.attempts.length, 1);
  const tried = tries === 1 ? 'tried once' : `tried ${tries} times (retry max ${step.retry?.max ?? 0})`;
  const ended =
    failure.error.code === 'RUN_TIMEOUT'
      ? "the run's timeout ended the run while it ran"
      : step.onError.kind === 'abort'
        ? 'on_error: abort failed the run'
        : `on_error: ${step.onError.kind}, and the run failed`;
  return {
    ...run,
    failure: {
      ...failure,
      policy: { retry: step.retry ?? null, onError: step.onError.kind, did: `${tried}; ${ended}` },
    },
  };
}
