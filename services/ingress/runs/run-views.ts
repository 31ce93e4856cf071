import type { RunLog } from '@chainmail/event-log';
import type { ProjectionWatermark, RunDetail, RunReadRepository } from '@chainmail/persistence';
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
   * The run as `GET /v1/runs/:id` shows it, or null. A run the views do not have yet (started a
   * moment ago) is waited for: the projector's announcements are listened to from before the first
   * read, so the announcement of the run's first write is the signal to read again, and the log is
   * not asked how far it goes (a poll right after a start costs reads of the views only).
   */
  async detail(runId: string): Promise<RunDetail | null> {
    const read: { detail: RunDetail | null } = { detail: null };
    await this.watermark.waitUntil(
      runId,
      async () => (read.detail = await this.details.get(runId)) !== null,
      this.waitMs,
    );
    return read.detail;
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
