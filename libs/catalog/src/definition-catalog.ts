import type { DefinitionEvent, WorkflowDefinition, WorkflowOrigin } from '@chainmail/contracts';
import { ListingCatalog } from './listing-catalog';

/**
 * The registry's view of workflow definitions, folded from DEFINITION_EVENTS. Every process that
 * needs definitions (registry, ingress, execution) keeps one, fed live from the stream; versions
 * are immutable, so a version once seen never changes.
 */

export interface WorkflowVersion {
  name: string;
  version: number;
  source: string;
  definition: WorkflowDefinition;
  publishedBy: string;
  owner: string;
  publishedAt: string;
  /** A copy installed from the marketplace: the listing version it was taken from. */
  origin?: WorkflowOrigin;
}

export interface WorkflowEntry {
  name: string;
  owner: string;
  activeVersion: number;
  versions: WorkflowVersion[];
  updatedAt: string;
  /** Stream sequence of the last event on this workflow's subject (for optimistic appends). */
  lastSeq: number;
  /**
   * Its schedule triggers ("0", "1"…) paused or resumed at some point, with the last change: a
   * paused one does not fire, on any version, until resumed. Absent: never paused.
   */
  scheduleStates: Record<string, ScheduleState>;
}

export interface ScheduleState {
  paused: boolean;
  /** When it was last paused or resumed (ISO): ticks before a resume do not count as missed. */
  since: string;
  by: string;
}

export class DefinitionCatalog {
  private readonly entries = new Map<string, WorkflowEntry>();
  /** The marketplace, folded from the same events in the same order. */
  readonly listings = new ListingCatalog();
  private applied = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  /** Stream sequence of the last event folded in. */
  get appliedSeq(): number {
    return this.applied;
  }

  apply(seq: number, event: DefinitionEvent): void {
    if (seq <= this.applied) return;
    this.applied = seq;
    this.listings.apply(seq, event);
    switch (event.type) {
      case 'WorkflowPublished': {
        const d = event.data;
        const entry = this.entries.get(d.name) ?? {
          name: d.name,
          owner: d.owner,
          activeVersion: 0,
          versions: [],
          updatedAt: event.at,
          lastSeq: 0,
          scheduleStates: {},
        };
        entry.versions.push({
          name: d.name,
          version: d.version,
          source: d.source,
          definition: d.definition,
          publishedBy: d.publishedBy,
          owner: d.owner,
          publishedAt: event.at,
          ...(d.origin !== undefined ? { origin: d.origin } : {}),
        });
        entry.activeVersion = d.version;
        entry.updatedAt = event.at;
        entry.lastSeq = seq;
        this.entries.set(d.name, entry);
        break;
      }
      case 'WorkflowRolledBack': {
        const entry = this.entries.get(event.data.name);
        if (!entry) break;
        entry.activeVersion = event.data.toVersion;
        entry.updatedAt = event.at;
        entry.lastSeq = seq;
        break;
      }
      case 'SchedulePaused':
      case 'ScheduleResumed': {
        const entry = this.entries.get(event.data.name);
        if (!entry) break;
        entry.scheduleStates = {
          ...entry.scheduleStates,
          [event.data.schedule]: {
            paused: event.type === 'SchedulePaused',
            since: event.at,
            by: event.data.by,
          },
        };
        entry.lastSeq = seq;
        break;
      }
    }
    this.release();
  }

  get(name: string): WorkflowEntry | undefined {
    return this.entries.get(name);
  }

  active(name: string): WorkflowVersion | undefined {
    const entry = this.entries.get(name);
    return entry ? this.version(name, entry.activeVersion) : undefined;
  }

  version(name: string, version: number): WorkflowVersion | undefined {
    const entry = this.entries.get(name);
    // Versions are 1, 2, 3… in publish order, so the index is the version less one.
    const found = entry?.versions[version - 1];
    return found?.version === version ? found : entry?.versions.find((v) => v.version === version);
  }

  list(): WorkflowEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Resolves once the fold has reached `seq` (read-your-writes after a publish), or rejects. */
  waitFor(seq: number, timeoutMs: number): Promise<void> {
    if (this.applied >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`definition catalog did not reach sequence ${seq} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.seq <= this.applied);
    this.waiters = this.waiters.filter((w) => w.seq > this.applied);
    for (const w of ready) w.resolve();
  }
}
