import type {
  AgentFigures,
  AnalyticsBucket,
  AnalyticsOverview,
  ErrorCount,
  Percentiles,
  RunFigures,
  SeriesPoint,
  WorkflowAnalytics,
} from '@chainmail/contracts';
import type { DataSource } from 'typeorm';

/**
 * Workflow, step and agent figures, aggregated when asked from the projector's rows: `runs` (one
 * per run) and the analytics facts `analytics_step_attempts` (one per step attempt) and
 * `analytics_checkpoint_waits` (one per checkpoint visit). Every figure is of the runs *started*
 * in the window, so a run's steps, retries, waits and cost count where the run counts.
 *
 * Percentiles are exact (`percentile_cont` over the per-run and per-attempt rows of the window)
 * rather than read from pre-aggregated histograms: the rows are already written idempotently by
 * the projector (a redelivered batch rewrites the same row), a rebuild gives the same figures,
 * and any window or version filter is possible. The cost is a scan of the window's rows, served
 * by the `runs (workflow, started_at)` index and the attempts' primary key.
 */

export interface AnalyticsWindow {
  /** Inclusive start (ISO time). */
  since: string;
  /** Exclusive end (ISO time). */
  until: string;
  /** Owners whose runs count (`owner = ANY(...)`). */
  owners: string[];
}

export interface WorkflowAnalyticsQuery extends AnalyticsWindow {
  workflow: string;
  version?: number;
  bucket: AnalyticsBucket;
}

export interface OverviewQuery extends AnalyticsWindow {
  bucket: AnalyticsBucket;
}

/** Buckets a series may hold: a wider window needs a coarser bucket. */
export const MAX_SERIES_BUCKETS = 2000;

/** Runs of the window, with their spend: the CTE every run-level figure reads. */
const WINDOW_RUNS = `
  window_runs AS MATERIALIZED (
    SELECT r.id, r.workflow, r.version, r.status, r.started_at, r.duration_ms, r.error,
           COALESCE(u.cost, 0) AS cost, COALESCE(u.tokens, 0) AS tokens
    FROM runs AS r
    LEFT JOIN LATERAL (
      SELECT sum(a.cost_usd) AS cost, sum(COALESCE(a.prompt_tokens, 0) + COALESCE(a.completion_tokens, 0)) AS tokens
      FROM analytics_step_attempts AS a WHERE a.run_id = r.id
    ) AS u ON true
    WHERE r.owner = ANY($1) AND r.started_at >= $2 AND r.started_at < $3
      AND ($4::text IS NULL OR r.workflow = $4) AND ($5::integer IS NULL OR r.version = $5)
  )`;

const RUN_AGGREGATES = `
  count(*)::integer AS runs,
  (count(*) FILTER (WHERE status = 'succeeded'))::integer AS succeeded,
  (count(*) FILTER (WHERE status = 'failed'))::integer AS failed,
  (count(*) FILTER (WHERE status = 'cancelled'))::integer AS cancelled,
  (count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed', 'cancelled')))::integer AS running,
  percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY duration_ms)
    FILTER (WHERE status IN ('succeeded', 'failed') AND duration_ms IS NOT NULL) AS latency,
  COALESCE(sum(cost), 0)::double precision AS cost,
  COALESCE(sum(tokens), 0)::bigint AS tokens`;

interface RunAggregateRow {
  runs: number;
  succeeded: number;
  failed: number;
  cancelled: number;
  running: number;
  latency: number[] | null;
  cost: number;
  tokens: string;
}

/** Read-only queries of the analytics read models. */
export class AnalyticsReadRepository {
  constructor(private readonly dataSource: DataSource) {}

  async workflow(query: WorkflowAnalyticsQuery): Promise<WorkflowAnalytics> {
    const params = windowParams(query, query.workflow, query.version);
    const [totals, errors, versions, series, steps, stepErrors, waits] = await Promise.all([
      this.rows<RunAggregateRow>(`WITH ${WINDOW_RUNS} SELECT ${RUN_AGGREGATES} FROM window_runs`, params),
      this.errors(params),
      this.rows<RunAggregateRow & { version: number }>(
        `WITH ${WINDOW_RUNS} SELECT version, ${RUN_AGGREGATES} FROM window_runs GROUP BY version ORDER BY version`,
        params,
      ),
      this.series(params, query.bucket),
      this.steps(params),
      this.stepErrors(params),
      this.waits(params),
    ]);
    const errorsByStep = groupErrors(stepErrors);
    const waitsByStep = new Map(waits.filter((w) => w.step_id !== null).map((w) => [w.step_id, w]));
    const allWaits = waits.find((w) => w.step_id === null);
    return {
      workflow: query.workflow,
      version: query.version ?? null,
      since: query.since,
      until: query.until,
      bucket: query.bucket,
      ...runFigures(totals[0]),
      steps: steps.map((s) => {
        const wait = waitsByStep.get(s.step_id);
        return {
          id: s.step_id,
          agent: s.agent,
          kind: s.kind,
          runs: s.runs,
          succeeded: s.succeeded,
          failed: s.failed,
          successRate: rate(s.succeeded, s.failed),
          latencyMs: percentiles(s.latency),
          retries: s.retries,
          cost: Number(s.cost),
          tokens: Number(s.tokens),
          errors: errorsByStep.get(s.step_id) ?? [],
          waitMs: wait && wait.resolved > 0 ? percentiles(wait.wait) : null,
        };
      }),
      errors,
      checkpoints: {
        opened: allWaits?.opened ?? 0,
        resolved: allWaits?.resolved ?? 0,
        waitMs: percentiles(allWaits?.wait ?? null),
        totalWaitMs: Math.round(Number(allWaits?.total ?? 0)),
      },
      versions: versions.map((v) => {
        const f = runFigures(v);
        return {
          version: v.version,
          runs: f.runs,
          succeeded: f.succeeded,
          failed: f.failed,
          successRate: f.successRate,
          latencyMs: f.latencyMs,
        };
      }),
      series,
    };
  }

  async overview(query: OverviewQuery): Promise<AnalyticsOverview> {
    const params = windowParams(query);
    const [totals, workflows, series] = await Promise.all([
      this.rows<RunAggregateRow>(`WITH ${WINDOW_RUNS} SELECT ${RUN_AGGREGATES} FROM window_runs`, params),
      this.rows<RunAggregateRow & { workflow: string }>(
        `WITH ${WINDOW_RUNS} SELECT workflow, ${RUN_AGGREGATES} FROM window_runs GROUP BY workflow
         ORDER BY count(*) DESC, workflow`,
        params,
      ),
      this.series(params, query.bucket),
    ]);
    return {
      since: query.since,
      until: query.until,
      bucket: query.bucket,
      ...runFigures(totals[0]),
      workflows: workflows.map((w) => ({ workflow: w.workflow, ...runFigures(w) })),
      series,
    };
  }

  /** Every agent called by the window's runs, busiest first. */
  async agents(query: AnalyticsWindow): Promise<AgentFigures[]> {
    const params = windowParams(query);
    const [rows, errors] = await Promise.all([
      this.rows<{
        agent: string;
        calls: number;
        succeeded: number;
        failed: number;
        latency: number[] | null;
        tokens: string;
        cost: number;
        workflows: number;
      }>(
        `WITH ${WINDOW_RUNS}
         SELECT a.agent, count(*)::integer AS calls,
                (count(*) FILTER (WHERE a.status = 'succeeded'))::integer AS succeeded,
                (count(*) FILTER (WHERE a.status = 'failed'))::integer AS failed,
                percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.duration_ms)
                  FILTER (WHERE a.duration_ms IS NOT NULL) AS latency,
                COALESCE(sum(COALESCE(a.prompt_tokens, 0) + COALESCE(a.completion_tokens, 0)), 0)::bigint AS tokens,
                COALESCE(sum(a.cost_usd), 0)::double precision AS cost,
                count(DISTINCT w.workflow)::integer AS workflows
         FROM window_runs AS w JOIN analytics_step_attempts AS a ON a.run_id = w.id
         WHERE a.agent IS NOT NULL
         GROUP BY a.agent ORDER BY count(*) DESC, a.agent`,
        params,
      ),
      this.rows<{ key: string; code: string; count: number }>(
        `WITH ${WINDOW_RUNS}
         SELECT a.agent AS key, a.error_code AS code, count(*)::integer AS count
         FROM window_runs AS w JOIN analytics_step_attempts AS a ON a.run_id = w.id
         WHERE a.agent IS NOT NULL AND a.status = 'failed' AND a.error_code IS NOT NULL
         GROUP BY a.agent, a.error_code ORDER BY count(*) DESC, a.error_code`,
        params,
      ),
    ]);
    const errorsByAgent = groupErrors(errors);
    return rows.map((r) => ({
      agent: r.agent,
      calls: r.calls,
      succeeded: r.succeeded,
      failed: r.failed,
      successRate: rate(r.succeeded, r.failed),
      latencyMs: percentiles(r.latency),
      tokens: Number(r.tokens),
      cost: Number(r.cost),
      workflows: r.workflows,
      errors: errorsByAgent.get(r.agent) ?? [],
    }));
  }

  private async errors(params: unknown[]): Promise<ErrorCount[]> {
    return this.rows<ErrorCount>(
      `WITH ${WINDOW_RUNS}
       SELECT COALESCE(error->>'code', 'UNKNOWN') AS code, count(*)::integer AS count
       FROM window_runs WHERE status = 'failed'
       GROUP BY 1 ORDER BY count(*) DESC, 1`,
      params,
    );
  }

  /** One point per bucket of the window, empty buckets included (a trend line has no gaps). */
  private async series(params: unknown[], bucket: AnalyticsBucket): Promise<SeriesPoint[]> {
    const rows = await this.rows<RunAggregateRow & { at: Date }>(
      `WITH ${WINDOW_RUNS},
       buckets AS (
         SELECT generate_series(${utcTrunc(bucket, '$2::timestamptz')},
                                $3::timestamptz - interval '1 microsecond', interval '1 ${bucket}') AS at
       )
       SELECT b.at, ${RUN_AGGREGATES}
       FROM buckets AS b LEFT JOIN window_runs AS w ON ${utcTrunc(bucket, 'w.started_at')} = b.at
       GROUP BY b.at ORDER BY b.at`.replace(/count\(\*\)/g, 'count(w.id)'),
      params,
    );
    return rows.map((r) => {
      const f = runFigures(r);
      return {
        at: r.at.toISOString(),
        runs: f.runs,
        succeeded: f.succeeded,
        failed: f.failed,
        successRate: f.successRate,
        latencyMs: f.latencyMs,
        cost: f.cost,
      };
    });
  }

  /**
   * Per step: executions are (run, visit); an execution's outcome is its last attempt's. Steps in
   * the order they usually start in, measured from their run's start.
   */
  private steps(params: unknown[]) {
    return this.rows<{
      step_id: string;
      agent: string | null;
      kind: string | null;
      runs: number;
      succeeded: number;
      failed: number;
      latency: number[] | null;
      retries: number;
      cost: number;
      tokens: string;
    }>(
      `WITH ${WINDOW_RUNS},
       attempts AS (
         SELECT a.*, w.started_at AS run_started_at
         FROM window_runs AS w JOIN analytics_step_attempts AS a ON a.run_id = w.id
         WHERE a.kind IS DISTINCT FROM 'item'
       ),
       executions AS (
         SELECT DISTINCT ON (run_id, step_id, visit) run_id, step_id, visit, status
         FROM attempts ORDER BY run_id, step_id, visit, attempt DESC
       ),
       outcomes AS (
         SELECT step_id, count(*)::integer AS runs,
                (count(*) FILTER (WHERE status = 'succeeded'))::integer AS succeeded,
                (count(*) FILTER (WHERE status = 'failed'))::integer AS failed
         FROM executions GROUP BY step_id
       )
       SELECT a.step_id, mode() WITHIN GROUP (ORDER BY a.agent) AS agent,
              mode() WITHIN GROUP (ORDER BY a.kind) AS kind,
              o.runs, o.succeeded, o.failed,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY a.duration_ms)
                FILTER (WHERE a.duration_ms IS NOT NULL) AS latency,
              (count(*) FILTER (WHERE a.attempt > 1))::integer AS retries,
              COALESCE(sum(a.cost_usd), 0)::double precision AS cost,
              COALESCE(sum(COALESCE(a.prompt_tokens, 0) + COALESCE(a.completion_tokens, 0)), 0)::bigint AS tokens
       FROM attempts AS a JOIN outcomes AS o ON o.step_id = a.step_id
       GROUP BY a.step_id, o.runs, o.succeeded, o.failed
       ORDER BY avg(extract(epoch FROM a.started_at - a.run_started_at)) NULLS LAST, a.step_id`,
      params,
    );
  }

  private stepErrors(params: unknown[]) {
    return this.rows<{ key: string; code: string; count: number }>(
      `WITH ${WINDOW_RUNS}
       SELECT a.step_id AS key, a.error_code AS code, count(*)::integer AS count
       FROM window_runs AS w JOIN analytics_step_attempts AS a ON a.run_id = w.id
       WHERE a.status = 'failed' AND a.error_code IS NOT NULL AND a.kind IS DISTINCT FROM 'item'
       GROUP BY a.step_id, a.error_code ORDER BY count(*) DESC, a.error_code`,
      params,
    );
  }

  /** Checkpoint waits per step, and over all steps (the row whose step_id is null). */
  private waits(params: unknown[]) {
    return this.rows<{
      step_id: string | null;
      opened: number;
      resolved: number;
      wait: number[] | null;
      total: number | null;
    }>(
      `WITH ${WINDOW_RUNS},
       waits AS (
         SELECT c.step_id, c.opened_at, c.resolved_at,
                CASE WHEN c.opened_at IS NOT NULL AND c.resolved_at IS NOT NULL
                     THEN extract(epoch FROM c.resolved_at - c.opened_at) * 1000 END AS wait_ms
         FROM window_runs AS w JOIN analytics_checkpoint_waits AS c ON c.run_id = w.id
       )
       SELECT step_id, (count(*) FILTER (WHERE opened_at IS NOT NULL))::integer AS opened,
              (count(*) FILTER (WHERE wait_ms IS NOT NULL))::integer AS resolved,
              percentile_cont(ARRAY[0.5, 0.95, 0.99]) WITHIN GROUP (ORDER BY wait_ms)
                FILTER (WHERE wait_ms IS NOT NULL) AS wait,
              sum(wait_ms)::double precision AS total
       FROM waits GROUP BY GROUPING SETS ((step_id), ())`,
      params,
    );
  }

  private async rows<T>(sql: string, params: unknown[]): Promise<T[]> {
    return (await this.dataSource.query(sql, params)) as T[];
  }
}

/** The start of the UTC hour or day of a timestamptz, whatever the session's time zone. */
const utcTrunc = (bucket: AnalyticsBucket, value: string): string =>
  `(date_trunc('${bucket}', ${value} AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')`;

function windowParams(window: AnalyticsWindow, workflow?: string, version?: number): unknown[] {
  return [window.owners, window.since, window.until, workflow ?? null, version ?? null];
}

function runFigures(row: RunAggregateRow | undefined): RunFigures {
  const runs = row?.runs ?? 0;
  const succeeded = row?.succeeded ?? 0;
  const failed = row?.failed ?? 0;
  const cost = Number(row?.cost ?? 0);
  return {
    runs,
    succeeded,
    failed,
    cancelled: row?.cancelled ?? 0,
    running: row?.running ?? 0,
    successRate: rate(succeeded, failed),
    latencyMs: percentiles(row?.latency ?? null),
    cost,
    tokens: Number(row?.tokens ?? 0),
    costPerRun: runs === 0 ? null : cost / runs,
  };
}

const rate = (succeeded: number, failed: number): number | null =>
  succeeded + failed === 0 ? null : succeeded / (succeeded + failed);

function percentiles(values: number[] | null): Percentiles {
  const at = (i: number): number | null => {
    const v = values?.[i];
    return v === undefined || v === null ? null : Math.round(Number(v));
  };
  return { p50: at(0), p95: at(1), p99: at(2) };
}

function groupErrors(rows: Array<{ key: string; code: string; count: number }>): Map<string, ErrorCount[]> {
  const byKey = new Map<string, ErrorCount[]>();
  for (const row of rows) {
    const list = byKey.get(row.key) ?? [];
    list.push({ code: row.code, count: row.count });
    byKey.set(row.key, list);
  }
  return byKey;
}
