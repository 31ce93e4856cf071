import { BoundedMap, VARIABLES_CHANGED_SUBJECT } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import type { VariableStore } from '@chainmail/secrets';
import type { NatsConnection, Subscription } from 'nats';

/** Values read for an owner are read again after this long even with no change heard (announcements are at most once). */
const MAX_AGE_MS = 1_000;
const CAPACITY = 1_000;

interface Entry {
  values: Promise<Record<string, unknown>>;
  readAt: number;
}

/**
 * Owners' variables as a run start records them, without a database round trip per start: what
 * was read for an owner is used until a change of any variable is announced on
 * `variables.changed` (ingress publishes it, and waits for the server to have it, before it
 * answers the write), and for `MAX_AGE_MS` at most, since an announcement can be lost. A read under
 * way when a change is announced still answers the starts that asked before it, as a read without
 * the cache would, but is not kept for later ones.
 */
export class OwnerVariables {
  private readonly entries: BoundedMap<string, Entry>;
  private subscription: Subscription | undefined;

  constructor(
    private readonly store: Pick<VariableStore, 'valuesOf'>,
    private readonly clock: () => number = Date.now,
    private readonly maxAgeMs = MAX_AGE_MS,
    capacity = CAPACITY,
  ) {
    this.entries = new BoundedMap(capacity);
  }

  /** Forgets what it read whenever a variable changes anywhere. */
  listen(nc: NatsConnection, names: EventLogNames): void {
    this.subscription = nc.subscribe(names.subject(VARIABLES_CHANGED_SUBJECT), {
      callback: () => this.changed(),
    });
  }

  /** Nest calls it at shutdown. */
  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  valuesOf(owner: string): Promise<Record<string, unknown>> {
    const entry = this.entries.get(owner);
    if (entry !== undefined && this.clock() - entry.readAt < this.maxAgeMs) return entry.values;
    const fresh: Entry = { values: this.store.valuesOf(owner), readAt: this.clock() };
    this.entries.setNewest(owner, fresh);
    fresh.values.catch(() => {
      if (this.entries.get(owner) === fresh) this.entries.delete(owner);
    });
    return fresh.values;
  }

  /** A variable was written or deleted: every owner's values are read again. */
  changed(): void {
    this.entries.clear();
  }
}
