/** Tuning of the projector; defaults suit both the all-in-one process and a dedicated one. */
export interface ProjectorSettings {
  /** Most commits written in one transaction while the projector keeps up with the log. */
  maxBatch: number;
  /**
   * Most commits in one transaction while it is far behind (a replay, a backlog): fewer, larger
   * transactions and one trace span per batch instead of one per commit.
   */
  catchUpBatch: number;
  /**
   * How long a lone commit waits for others to share its transaction. 0: written at once (polling
   * clients see progress only through the views); under load batches form while one is written.
   */
  maxWaitMs: number;
  /** Start consuming on application bootstrap (tests may start it by hand). */
  autoStart: boolean;
}

export const DEFAULT_PROJECTOR_SETTINGS: ProjectorSettings = {
  maxBatch: 256,
  catchUpBatch: 4096,
  maxWaitMs: 0,
  autoStart: true,
};

export const PROJECTOR_SETTINGS = Symbol('PROJECTOR_SETTINGS');
