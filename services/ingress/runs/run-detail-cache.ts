import { BoundedMap } from '@chainmail/contracts';
import type { ProjectionApplied, RunDetail } from '@chainmail/persistence';

/** A run loaded before this long ago is read again, even with no announcement heard (one may be lost). */
const MAX_AGE_MS = 1_000;
const CAPACITY = 2_000;

interface Entry {
  detail: RunDetail;
  loadedAt: number;
}

/** What marks a load that an announcement overtook: its answer is given but not kept. */
const OVERTAKEN = Symbol('overtaken');

/**
 * Recent answers of `GET /v1/runs/:id`, so that clients polling a run cost one read of the views
 * per change instead of one per poll. An entry goes as soon as the projector announces a write of
 * its run (and after `MAX_AGE_MS` in any case, since announcements are at most once); a load that
 * an announcement overtook is not kept. Concurrent reads of one run share one load. What it
 * answers is what the views held at most `MAX_AGE_MS` ago and not since changed as far as this
 * process heard: never older than a read that began at the same moment would see without it.
 */
export class RunDetailCache {
  private readonly entries: BoundedMap<string, Entry>;
  private readonly loading = new Map<string, Promise<RunDetail | null> | typeof OVERTAKEN>();

  constructor(
    private readonly load: (id: string) => Promise<RunDetail | null>,
    private readonly clock: () => number = Date.now,
    private readonly maxAgeMs = MAX_AGE_MS,
    capacity = CAPACITY,
  ) {
    this.entries = new BoundedMap(capacity);
  }

  /** The views' run, or null when they do not hold it (not cached: it may appear at any moment). */
  async get(id: string): Promise<RunDetail | null> {
    const entry = this.entries.get(id);
    if (entry !== undefined && this.clock() - entry.loadedAt < this.maxAgeMs) return entry.detail;
    const inFlight = this.loading.get(id);
    if (inFlight !== undefined && inFlight !== OVERTAKEN) return inFlight;
    const loadedAt = this.clock();
    const loading = this.load(id);
    this.loading.set(id, loading);
    try {
      const detail = await loading;
      if (detail !== null && this.loading.get(id) === loading)
        this.entries.setNewest(id, { detail, loadedAt });
      return detail;
    } finally {
      if (this.loading.get(id) === loading || this.loading.get(id) === OVERTAKEN) this.loading.delete(id);
    }
  }

  /** The projector wrote these runs: what is kept of them is stale, and so is any load under way. */
  applied(applied: ProjectionApplied): void {
    for (const id of Object.keys(applied.runs)) {
      this.entries.delete(id);
      if (this.loading.has(id)) this.loading.set(id, OVERTAKEN);
    }
  }
}
