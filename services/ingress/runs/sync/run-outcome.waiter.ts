import { TERMINAL_RUN_EVENTS, type StoredRunCommit } from '@chainmail/contracts';
import { foldCommits } from '@chainmail/engine';
import type { RunLog } from '@chainmail/event-log';

export type RunOutcome =
  | { status: 'running' }
  | { status: 'succeeded'; output: string | null }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string; stepId?: string } | null };

/**
 * Holds a request until its run ends (`sync` mode, `?wait=true`): follows the run's log to a
 * terminal event, or gives up after `timeoutMs` with "running" so the caller polls instead.
 * The log is the truth, so this needs no read model and sees the end as soon as it is committed.
 */
export class RunOutcomeWaiter {
  constructor(private readonly log: Pick<RunLog, 'follow'>) {}

  async wait(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<RunOutcome> {
    if (timeoutMs <= 0) return { status: 'running' };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const stop = (): void => controller.abort();
    signal?.addEventListener('abort', stop);
    const commits: StoredRunCommit[] = [];
    try {
      for await (const commit of this.log.follow(runId, { signal: controller.signal })) {
        commits.push(commit);
        if (commit.events.some((e) => TERMINAL_RUN_EVENTS.has(e.type))) return outcomeOf(runId, commits);
      }
    } catch (err) {
      if (!controller.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      controller.abort();
    }
    return { status: 'running' };
  }
}

function outcomeOf(runId: string, commits: StoredRunCommit[]): RunOutcome {
  const state = foldCommits(runId, commits);
  if (state.status === 'succeeded') return { status: 'succeeded', output: state.output ?? null };
  if (state.status === 'failed' || state.status === 'cancelled') {
    const error = state.error
      ? { code: state.error.code, message: state.error.message, stepId: state.error.stepId }
      : null;
    return { status: state.status, error };
  }
  return { status: 'running' };
}
