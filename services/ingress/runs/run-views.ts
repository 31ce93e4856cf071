import type { RunLog } from '@chainmail/event-log';
import type { ProjectionWatermark, RunReadRepository } from '@chainmail/persistence';
import { RunDetailCache } from './run-detail-cache';

/** How long a read waits for the projector to reach a write the caller just made. */
export const READ_YOUR_WRITES_MS = 2_000;

/**
 * The run read models, with read-your-writes where a caller needs it: `catchUp` waits (bounded)
 * until the views hold a run as far as its log goes now, then the caller reads what is there.
 */
export class RunViews {
  /** Runs as `GET /v1/runs/:id` shows them, read again only when the projector wrote them. */
  readonly details: RunDetailCache;

  constructor(
    readonly reads: RunReadRepository,
    readonly watermark: ProjectionWatermark,
    private readonly log: Pick<RunLog, 'lastSequence'>,
    readonly waitMs: number = READ_YOUR_WRITES_MS,
  ) {
    this.details = new RunDetailCache((id) => reads.findRun(id));
    watermark.onApplied((applied) => this.details.applied(applied));
  }

  /**
   * True once the views hold the run up to its last commit (a run whose log is still empty — its
   * start command is on its way — up to its first), false when `waitMs` passes first.
   */
  async catchUp(runId: string, signal?: AbortSignal): Promise<boolean> {
    const seq = await this.log.lastSequence(runId);
    return this.watermark.waitForRun(runId, Math.max(seq, 1), this.waitMs, signal);
  }

  /** True once `ready()` (a read of the views) holds after the projector wrote the run, false past `waitMs`. */
  until(runId: string, ready: () => Promise<boolean>, signal?: AbortSignal): Promise<boolean> {
    return this.watermark.waitUntil(runId, ready, this.waitMs, { signal });
  }
}
