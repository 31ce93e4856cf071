/**
 * A map that keeps at most `capacity` entries: storing one more drops the oldest. Age is the
 * order of insertion, which a `Map` keeps already, so eviction costs one lookup of the first key
 * and nothing is allocated per read or write. Reading an entry never makes it younger.
 *
 * Two ways to store, for the two kinds of age its users need: `set` leaves a key that is there
 * already where it is (its age is its first store, as in a `Map`), `setNewest` makes it the newest
 * (its age is its last store: a cache whose entries are reloaded when stale).
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`BoundedMap needs a whole capacity of at least 1 (got ${capacity})`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores `value`; a new key is the newest entry, an existing one keeps its place. */
  set(key: K, value: V): void {
    this.entries.set(key, value);
    this.evictPastCapacity();
  }

  /** Stores `value` as the newest entry, whether or not `key` was there already. */
  setNewest(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    this.evictPastCapacity();
  }

  delete(key: K): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  /** One store adds one entry at most, so one eviction restores the bound. */
  private evictPastCapacity(): void {
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }
}
