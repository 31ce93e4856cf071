import type { DefinitionCatalog } from '@chainmail/catalog';
import type { RunDetail, RunDetailWithPolicy } from '@chainmail/contracts';
import { stepGraph } from '@chainmail/workflow-dsl';

/**
 * A failed run's view with its failing step's error policy from the run's pinned version (the
 * definition catalog), and what that policy did. No failure, nothing added.
 */
export function withFailurePolicy(
  run: RunDetail,
  catalog: Pick<DefinitionCatalog, 'version'>,
): RunDetailWithPolicy {
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
