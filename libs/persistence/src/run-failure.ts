import type { AttemptError, RunError, RunFailure } from '@chainmail/contracts';

/** A failed run's failure, from its error and the row of the step it names. */
export function failureOf(
  status: string,
  error: RunError | null,
  steps: ReadonlyArray<{ stepId: string; input: string | null; attemptErrors: AttemptError[] | null }>,
): RunFailure | null {
  if (status !== 'failed' || error === null) return null;
  const step = error.stepId === undefined ? undefined : steps.find((s) => s.stepId === error.stepId);
  return {
    step: error.stepId ?? null,
    input: step?.input ?? null,
    error,
    attempts: step?.attemptErrors ?? [],
  };
}
