import type { RunLog } from '@chainmail/event-log';
import { runEndOf, type RunEnd } from '@chainmail/persistence';

export type RunOutcome =
  | { status: 'running' }
  | { status: 'succeeded'; output: string | null }
  | { status: 'failed' | 'cancelled'; error: { code: string; message: string; stepId?: string } | null };

/**
 * Holds a request until its run ends (`sync` mode, `?wait=true`): follows the run's log to a
 * terminal event, or gives up after `timeoutMs` with "running" so the caller polls instead.
 * The log is the truth, so this needs no read model and sees the end as soon as it is committed;
 * the answer is the terminal event's own data (nothing is folded).
 */
export class RunOutcomeWaiter {
  constructor(private readonly log: Pick<RunLog, 'follow'>) {}

  async wait(runId: string, timeoutMs: number, signal?: AbortSignal): Promise<RunOutcome> {
    if (timeoutMs <= 0) return { status: 'running' };
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const stop = (): void => controller.abort();
    signal?.addEventListener('abort', stop);
    try {
      for await (const commit of this.log.follow(runId, { signal: controller.signal })) {
        for (const event of commit.events) {
          const end = runEndOf(event);
          if (end) return outcomeOf(end);
        }
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

function outcomeOf(end: RunEnd): RunOutcome {
  if (end.status === 'succeeded') return { status: 'succeeded', output: end.output };
  const { code, message, stepId } = end.error;
  return { status: end.status, error: { code, message, stepId } };
}
