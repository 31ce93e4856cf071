import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { RateLimitStore, WindowCount } from './rate-limit.store';

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** How often each replica adds its counts to the shared table and learns the others'. */
export const RATE_LIMIT_SYNC_MS = 1_000;
const WINDOW_MS = 60_000;
/** Keys tracked at most; past it, ended windows are dropped, then the oldest. */
const MAX_KEYS = 100_000;
/** A key not asked about here for this many sync periods is no longer refreshed. */
const IDLE_AFTER_SYNCS = 5;
/** The prefix the rows of earlier versions have (rate-limiter-flexible's `keyPrefix`), so an upgrade keeps counting. */
const KEY_PREFIX = 'api:';

interface Window {
  end: number;
  /** The shared total at the last sync (every replica's requests, ours included). */
  shared: number;
  /** Requests counted here since the last sync. */
  local: number;
  /** When a request of the key last came here: a key in use is worth learning the others' count for. */
  askedAt: number;
}

/**
 * Requests per minute per key (a token, an OIDC user, or an address that keeps failing to sign
 * in). Counted in memory, so a request costs no database round trip (but the first of a key on a
 * replica in each window, which reads the shared count); every `syncMs` each replica adds its new
 * counts to Postgres (`rate_limits`) and learns the total of all replicas. The budget
 * is therefore shared approximately: between two syncs a replica does not see what the others
 * admitted (docs/security.md says by how much). A window starts at a key's first request and lasts
 * a minute; replicas adopt the window already in the table, so `Retry-After` is the time to its end.
 * If Postgres cannot answer, each replica keeps counting on its own rather than refusing or waving
 * through every request.
 */
export class RequestLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly windows = new Map<string, Window>();
  private readonly opening = new Map<string, Promise<Window>>();
  private readonly logger = new Logger('rate-limit');
  private timer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  private failing = false;
  private lastPrune = 0;

  constructor(
    private readonly store: RateLimitStore,
    readonly perMinute: number,
    private readonly syncMs: number = RATE_LIMIT_SYNC_MS,
    private readonly now: () => number = Date.now,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.sync(), this.syncMs);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // What this replica admitted still counts for the others after it stops.
    await this.sync();
  }

  /** Counts a request of `key`; refused past the limit, with the seconds until the window ends. */
  async take(key: string): Promise<LimitDecision> {
    let window = this.windows.get(key);
    if (!window || window.end <= this.now()) window = await this.open(key);
    const now = this.now();
    window.askedAt = now;
    if (window.shared + window.local >= this.perMinute) {
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((window.end - now) / 1000)) };
    }
    window.local++;
    return { allowed: true };
  }

  /**
   * The first request of a key on this replica (in a window) reads the shared count once, so a
   * budget spent elsewhere is not granted again here; later ones are counted in memory.
   * Concurrent first requests share the read.
   */
  private open(key: string): Promise<Window> {
    let opening = this.opening.get(key);
    if (!opening) {
      const started = this.now();
      opening = this.store
        .read(KEY_PREFIX + key, started)
        .catch(() => undefined)
        .then((shared) => {
          this.opening.delete(key);
          const current = this.windows.get(key);
          if (current && current.end > this.now()) return current;
          this.makeRoom(started);
          const window: Window = shared
            ? { end: shared.windowEnd, shared: shared.total, local: 0, askedAt: started }
            : { end: started + WINDOW_MS, shared: 0, local: 0, askedAt: started };
          this.windows.set(key, window);
          return window;
        });
      this.opening.set(key, opening);
    }
    return opening;
  }

  /** Adds this replica's counts to the shared table and takes the totals back. One sync at a time. */
  sync(): Promise<void> {
    this.syncing ??= this.syncOnce().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async syncOnce(): Promise<void> {
    const now = this.now();
    const sent = new Map<string, { window: Window; added: number }>();
    const counts: WindowCount[] = [];
    for (const [key, window] of this.windows) {
      if (window.end <= now) {
        this.windows.delete(key);
        continue;
      }
      // Keys in use here lately are sent even without new counts (adding 0), to learn the others';
      // keys idle here for a few syncs cost nothing until they are asked about again.
      if (window.local === 0 && now - window.askedAt > IDLE_AFTER_SYNCS * this.syncMs) continue;
      sent.set(key, { window, added: window.local });
      counts.push({ key: KEY_PREFIX + key, added: window.local, windowEnd: window.end });
    }
    try {
      const totals = await this.store.add(counts, now);
      for (const { key: stored, total, windowEnd } of totals) {
        const key = stored.slice(KEY_PREFIX.length);
        const entry = sent.get(key);
        // The key's window was replaced while the statement ran: its new counts wait for the next sync.
        if (!entry || this.windows.get(key) !== entry.window) continue;
        entry.window.local -= entry.added;
        entry.window.shared = total;
        entry.window.end = windowEnd;
      }
      if (now - this.lastPrune > WINDOW_MS) {
        this.lastPrune = now;
        await this.store.prune(now - WINDOW_MS);
      }
      if (this.failing) this.logger.log('rate limits are shared through Postgres again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) {
        this.logger.warn(
          `rate limits counted per replica until Postgres answers again: ${(err as Error).message}`,
        );
      }
      this.failing = true;
    }
  }

  private makeRoom(now: number): void {
    if (this.windows.size < MAX_KEYS) return;
    for (const [key, window] of this.windows) if (window.end <= now) this.windows.delete(key);
    for (const key of this.windows.keys()) {
      if (this.windows.size < MAX_KEYS) break;
      this.windows.delete(key);
    }
  }
}
