import type { Response } from 'express';
import type { RunOutcome, RunOutcomeWaiter } from './run-outcome.waiter';

export interface StartedRunRef {
  runId: string;
  workflow: string;
  version: number;
  /** Its id was made for this request (see `StartedRun.fresh`): no end to look for in the views yet. */
  fresh?: boolean;
}

/** The run, with `accepted` at once, or its outcome (`running` past the wait limit). */
export type RunAnswerBody = StartedRunRef & (RunOutcome | { status: 'accepted' });

/**
 * The answer to a request that started a run. Async: 202 at once. Sync (the workflow's `mode`,
 * or `?wait=true`): 200 with the output or the error once the run ends, or 202 "running" past
 * the wait limit so the caller polls `GET /v1/runs/:id`. A caller that hangs up stops the wait.
 */
export class RunResponder {
  constructor(
    private readonly waiter: RunOutcomeWaiter,
    private readonly waitMs: number,
  ) {}

  async respond(res: Response, run: StartedRunRef, wait: boolean): Promise<RunAnswerBody> {
    const ref = { runId: run.runId, workflow: run.workflow, version: run.version };
    if (!wait) {
      res.status(202);
      return { ...ref, status: 'accepted' as const };
    }
    const hungUp = new AbortController();
    const onClose = (): void => hungUp.abort();
    res.once('close', onClose);
    try {
      const outcome = await this.waiter.wait(run.runId, this.waitMs, hungUp.signal, {
        fresh: run.fresh === true,
      });
      res.status(outcome.status === 'running' ? 202 : 200);
      return { ...ref, ...outcome };
    } finally {
      res.off('close', onClose);
    }
  }
}
