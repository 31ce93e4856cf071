import { BoundedMap } from '@chainmail/contracts';

/** How long a resolved caller is reused: the longest a revocation or role change made elsewhere goes unseen. */
export const CREDENTIAL_CACHE_TTL_MS = 3_000;
/** Callers kept at most; past it the least recently stored are dropped first. */
export const CREDENTIAL_CACHE_MAX = 10_000;

export interface CredentialCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Entry<V> {
  value: V;
  until: number;
}

/**
 * A small in-memory cache of resolved credentials, so a request costs no database round trip:
 * bounded in size, each entry kept `ttlMs` at most (or less, until the credential's own expiry).
 * Concurrent misses for one key share one lookup. `invalidate()` drops everything at once, and a
 * lookup that was under way when it happened is not stored: its answer may predate the change.
 */
export class CredentialCache<V> {
  readonly ttlMs: number;
  private readonly now: () => number;
  private readonly entries: BoundedMap<string, Entry<V>>;
  private readonly pending = new Map<string, Promise<V>>();
  private generation = 0;

  constructor(options: CredentialCacheOptions = {}) {
    this.ttlMs = options.ttlMs ?? CREDENTIAL_CACHE_TTL_MS;
    const maxEntries = options.maxEntries ?? CREDENTIAL_CACHE_MAX;
    this.now = options.now ?? Date.now;
    if (!(this.ttlMs > 0) || !(maxEntries > 0)) {
      throw new Error(
        `CredentialCache needs ttlMs > 0 and maxEntries > 0 (got ${this.ttlMs}, ${maxEntries})`,
      );
    }
    this.entries = new BoundedMap(maxEntries);
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached value of `key`, else `load()`'s. `expiresAt` (epoch ms) shortens the entry's life
   * to the credential's own; a failed load is not cached.
   */
  async get(
    key: string,
    load: () => Promise<V>,
    expiresAt: (value: V) => number = () => Infinity,
  ): Promise<V> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && cached.until > now) return cached.value;
    if (cached) this.entries.delete(key);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const generation = this.generation;
    const lookup = load().then(
      (value) => {
        if (this.pending.get(key) === lookup) this.pending.delete(key);
        if (generation === this.generation)
          this.store(key, value, Math.min(now + this.ttlMs, expiresAt(value)));
        return value;
      },
      (err: unknown) => {
        if (this.pending.get(key) === lookup) this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, lookup);
    return lookup;
  }

  /** Forget every entry (a token was revoked, a role changed), and every lookup under way. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
    this.pending.clear();
  }

  private store(key: string, value: V, until: number): void {
    if (until <= this.now()) return;
    this.entries.setNewest(key, { value, until });
  }
}
