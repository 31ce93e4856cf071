import type {
  AgentFigures,
  AnalyticsBucket,
  SeriesPoint,
  StepFigures,
  WorkflowAnalytics,
} from '@chainmail/contracts';

/**
 * The analytics answers shaped for the charts and tables of the Analytics pages: pure functions,
 * no React, so the figures a chart draws are the figures its table and label say.
 */

/** The time ranges offered, relative to now; `custom` takes since/until as given. */
export const RANGES = [
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 24 * 3_600_000 },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];
export const DEFAULT_RANGE: RangeKey = '7d';

export interface WindowChoice {
  /** A relative range, or absent when `since` (and maybe `until`) are given. */
  range?: RangeKey;
  since?: string;
  until?: string;
}

/**
 * The `since`/`until` of the API for a choice. A relative range starts at a whole minute, so the
 * window (and the request) stays the same while a page re-renders within that minute.
 */
export function windowOf(choice: WindowChoice, now: number): { since?: string; until?: string } {
  if (choice.since !== undefined) return { since: choice.since, until: choice.until };
  const range = RANGES.find((r) => r.key === (choice.range ?? DEFAULT_RANGE)) ?? RANGES[1];
  const minute = Math.floor(now / 60_000) * 60_000;
  return { since: new Date(minute - range.ms).toISOString() };
}

/** The choice a page's address holds: `?range=24h`, or `?since=…&until=…`. */
export function choiceFrom(params: URLSearchParams): WindowChoice {
  const since = isoOrUndefined(params.get('since'));
  if (since !== undefined) return { since, until: isoOrUndefined(params.get('until')) };
  const range = RANGES.find((r) => r.key === params.get('range'))?.key;
  return range === undefined ? {} : { range };
}

function isoOrUndefined(value: string | null): string | undefined {
  if (value === null || value === '' || Number.isNaN(Date.parse(value))) return undefined;
  return new Date(value).toISOString();
}

export const percent = (rate: number | null): string =>
  rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${(value / 1000).toFixed(value < 10_000 ? 2 : 1)} s`;
  if (value < 3_600_000) return `${Math.floor(value / 60_000)} min ${Math.round((value % 60_000) / 1000)} s`;
  return `${Math.floor(value / 3_600_000)} h ${Math.round((value % 3_600_000) / 60_000)} min`;
}

export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (value === 0) return '$0';
  return `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
}

const HOUR_LABEL = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
});
const DAY_LABEL = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short' });

/** A bucket's start as its axis label (UTC, as the API buckets): `7 Dec, 14:00` or `7 Dec`. */
export function bucketLabel(at: string, bucket: AnalyticsBucket): string {
  return (bucket === 'hour' ? HOUR_LABEL : DAY_LABEL).format(new Date(at));
}

export interface SeriesRow {
  at: string;
  label: string;
  runs: number;
  succeeded: number;
  failed: number;
  /** Success rate in percent (one decimal), null where none finished. */
  successPct: number | null;
  /** USD per run started in the bucket, null without runs. */
  costPerRun: number | null;
  p95: number | null;
}

/** One row per bucket: runs by outcome, success rate in percent, cost per run, p95 latency. */
export function seriesRows(series: readonly SeriesPoint[], bucket: AnalyticsBucket): SeriesRow[] {
  return series.map((point) => ({
    at: point.at,
    label: bucketLabel(point.at, bucket),
    runs: point.runs,
    succeeded: point.succeeded,
    failed: point.failed,
    successPct: point.successRate === null ? null : Math.round(point.successRate * 1000) / 10,
    costPerRun: point.runs === 0 ? null : point.cost / point.runs,
    p95: point.latencyMs.p95,
  }));
}

/** What a runs-over-time chart shows, for its accessible label. */
export function seriesSummary(rows: readonly SeriesRow[]): string {
  const busy = rows.filter((row) => row.runs > 0);
  if (busy.length === 0) return 'no runs in this window';
  const runs = busy.reduce((sum, row) => sum + row.runs, 0);
  const succeeded = busy.reduce((sum, row) => sum + row.succeeded, 0);
  const failed = busy.reduce((sum, row) => sum + row.failed, 0);
  return `${runs} runs in ${busy.length} of ${rows.length} periods, ${succeeded} succeeded, ${failed} failed`;
}

export interface StepLatencyRow {
  step: string;
  p50: number;
  p95: number;
  p99: number;
}

/**
 * Latency percentiles of each step that has ended an attempt, in the steps' usual order. A
 * checkpoint's time is a person's wait, shown as such, not latency.
 */
export function stepLatencyRows(steps: readonly StepFigures[]): StepLatencyRow[] {
  return steps.flatMap((s) =>
    s.latencyMs.p50 === null || s.kind === 'checkpoint'
      ? []
      : [
          {
            step: s.id,
            p50: s.latencyMs.p50,
            p95: s.latencyMs.p95 ?? s.latencyMs.p50,
            p99: s.latencyMs.p99 ?? s.latencyMs.p95 ?? s.latencyMs.p50,
          },
        ],
  );
}

export function stepLatencySummary(rows: readonly StepLatencyRow[]): string {
  return rows.map((r) => `${r.step}: p50 ${ms(r.p50)}, p95 ${ms(r.p95)}, p99 ${ms(r.p99)}`).join('; ');
}

/**
 * The first `n` items by `score`, highest first; items without a score (null) or with none to
 * speak of (≤ 0) are left out. Ties keep the input order.
 */
export function topBy<T>(items: readonly T[], score: (item: T) => number | null, n: number): T[] {
  return items
    .map((item, index) => ({ item, index, value: score(item) }))
    .filter((x): x is { item: T; index: number; value: number } => x.value !== null && x.value > 0)
    .sort((a, b) => b.value - a.value || a.index - b.index)
    .slice(0, n)
    .map((x) => x.item);
}

export interface RankedStep {
  workflow: string;
  step: string;
  agent: string | null;
  runs: number;
  failed: number;
  failureRate: number | null;
  p50: number | null;
  p95: number | null;
  /** `workflow · step`, to tell steps of the same id apart across workflows. */
  label: string;
}

/** Every step of these workflows' figures, flattened (checkpoints' waits are not latency). */
export function rankedSteps(workflows: readonly WorkflowAnalytics[]): RankedStep[] {
  return workflows.flatMap((w) =>
    w.steps
      .filter((s) => s.kind !== 'checkpoint')
      .map((s) => ({
        workflow: w.workflow,
        step: s.id,
        agent: s.agent,
        runs: s.runs,
        failed: s.failed,
        failureRate: s.successRate === null ? null : 1 - s.successRate,
        p50: s.latencyMs.p50,
        p95: s.latencyMs.p95,
        label: `${w.workflow} · ${s.id}`,
      })),
  );
}

/** The slowest steps by p95 latency. */
export const slowestSteps = (steps: readonly RankedStep[], n: number): RankedStep[] =>
  topBy(steps, (s) => s.p95, n);

/** The steps that failed most often (executions whose last attempt failed), then by failure rate. */
export const mostFailingSteps = (steps: readonly RankedStep[], n: number): RankedStep[] =>
  steps
    .filter((s) => s.failed > 0)
    .sort((a, b) => b.failed - a.failed || (b.failureRate ?? 0) - (a.failureRate ?? 0))
    .slice(0, n);

/** The agents that cost most; those without a cost are left out. */
export function agentCostRows(
  agents: readonly AgentFigures[],
  n: number,
): Array<{ agent: string; cost: number; calls: number }> {
  return topBy(agents, (a) => a.cost, n).map((a) => ({ agent: a.agent, cost: a.cost, calls: a.calls }));
}
