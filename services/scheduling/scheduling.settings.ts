/** Tuning of the scheduling service; defaults suit both the all-in-one process and a dedicated one. */
export interface SchedulingSettings {
  /** Most commits planned and written in one transaction. */
  maxBatch: number;
  /** How long a lone commit waits for others to share its transaction. */
  maxWaitMs: number;
  /** How soon a failed firing or schedule pass is tried again. */
  pollMs: number;
  /**
   * Longest sleep of the firing loop with nothing due sooner: a timer armed by another replica
   * that stopped before firing it is seen this soon (each replica wakes for the timers it arms).
   * Also the longest sleep of the cron loop, which wakes for its next tick and catalog changes.
   * Long, because each look is a query: idle must cost nothing however many runs wait.
   */
  idlePollMs: number;
  /** Most timers claimed and sent in one transaction. */
  fireLimit: number;
  /**
   * How late a cron tick may still fire under `catch_up: none` (a slow pass, a restart); a tick
   * older than this when first evaluated is missed. `catch_up: last` fires the latest one anyway.
   */
  misfireGraceMs: number;
  /** Fired ticks older than this are pruned (each schedule keeps its newest, for its last run). */
  tickRetentionMs: number;
  /** Start consuming and firing on application bootstrap (tests may start it by hand). */
  autoStart: boolean;
  /** Epoch milliseconds; injected so that tests control time. */
  clock: () => number;
}

export const DEFAULT_SCHEDULING_SETTINGS: SchedulingSettings = {
  maxBatch: 256,
  maxWaitMs: 5,
  pollMs: 250,
  idlePollMs: 10_000,
  fireLimit: 100,
  misfireGraceMs: 30_000,
  tickRetentionMs: 7 * 24 * 3_600_000,
  autoStart: true,
  clock: () => Date.now(),
};

export const SCHEDULING_SETTINGS = Symbol('SCHEDULING_SETTINGS');
