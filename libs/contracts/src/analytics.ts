/**
 * The answers of `GET /v1/analytics/…`: one definition for the server that computes them, the CLI
 * that prints them and the console that charts them. Every figure is of the runs started in the
 * window (`since` inclusive, `until` exclusive), counted for the owners the caller sees.
 */

export type AnalyticsBucket = 'hour' | 'day';

export const ANALYTICS_BUCKETS: readonly AnalyticsBucket[] = ['hour', 'day'];

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface ErrorCount {
  code: string;
  count: number;
}

export interface RunFigures {
  runs: number;
  succeeded: number;
  /** Failed runs, timeouts included. */
  failed: number;
  cancelled: number;
  /** Not finished yet. */
  running: number;
  /** succeeded / (succeeded + failed); null when none has finished. Cancelled runs do not count. */
  successRate: number | null;
  /** Durations of the runs that succeeded or failed. */
  latencyMs: Percentiles;
  /** USD, summed over every step attempt's usage. */
  cost: number;
  /** Prompt plus completion tokens. */
  tokens: number;
  /** cost / runs; null without runs. */
  costPerRun: number | null;
}

export interface StepFigures {
  id: string;
  /** The agent most of its attempts called (null for steps without one). */
  agent: string | null;
  kind: string | null;
  /** Executions of the step (a loop's visits count each). */
  runs: number;
  succeeded: number;
  /** Executions whose last attempt failed. */
  failed: number;
  successRate: number | null;
  /** Durations of the attempts that ended. */
  latencyMs: Percentiles;
  /** Attempts after the first of an execution. */
  retries: number;
  cost: number;
  tokens: number;
  /** Failed attempts by error code. */
  errors: ErrorCount[];
  /** A checkpoint's waits for a person (resolved ones), else null. */
  waitMs: Percentiles | null;
}

export interface CheckpointFigures {
  /** Checkpoint visits opened, and resolved by a person. */
  opened: number;
  resolved: number;
  /** Time from opened to resolved. */
  waitMs: Percentiles;
  totalWaitMs: number;
}

export interface SeriesPoint {
  /** Start of the bucket (ISO time). */
  at: string;
  runs: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  latencyMs: Percentiles;
  cost: number;
}

export interface VersionFigures {
  version: number;
  runs: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  latencyMs: Percentiles;
}

/** `GET /v1/analytics/workflows/:name`. */
export interface WorkflowAnalytics extends RunFigures {
  workflow: string;
  /** The version asked for, else null (all). */
  version: number | null;
  since: string;
  until: string;
  bucket: AnalyticsBucket;
  /** In the order they usually start. */
  steps: StepFigures[];
  /** Failed runs by error code (a timeout is RUN_TIMEOUT). */
  errors: ErrorCount[];
  checkpoints: CheckpointFigures;
  versions: VersionFigures[];
  /** One point per bucket, empty ones included. */
  series: SeriesPoint[];
}

export interface AgentFigures {
  agent: string;
  /** Attempts that called the agent. */
  calls: number;
  succeeded: number;
  failed: number;
  successRate: number | null;
  latencyMs: Percentiles;
  tokens: number;
  cost: number;
  /** Workflows that called it in the window. */
  workflows: number;
  errors: ErrorCount[];
}

/** `GET /v1/analytics/agents`: busiest first. */
export interface AgentAnalytics {
  since: string;
  until: string;
  agents: AgentFigures[];
}

export interface WorkflowSummaryFigures extends RunFigures {
  workflow: string;
}

/** `GET /v1/analytics/overview`. */
export interface AnalyticsOverview extends RunFigures {
  since: string;
  until: string;
  bucket: AnalyticsBucket;
  /** Busiest first. */
  workflows: WorkflowSummaryFigures[];
  series: SeriesPoint[];
}
