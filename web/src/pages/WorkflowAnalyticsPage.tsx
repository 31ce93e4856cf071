import { useMemo } from 'react';
import { Link, useParams } from 'react-router';
import type { StepFigures, WorkflowAnalytics } from '@chainmail/contracts';
import { api } from '../api/api';
import { analyticsApi } from '../api/analytics';
import { useApi } from '../api/use-api';
import {
  ms,
  percent,
  seriesRows,
  seriesSummary,
  stepLatencyRows,
  stepLatencySummary,
  usd,
  windowOf,
} from '../analytics/shape';
import { AnalyticsControls, useAnalyticsParams } from '../components/AnalyticsControls';
import {
  ChartFigure,
  CostPerRunChart,
  FigureCards,
  RankedBars,
  LatencyTable,
  RunsChart,
  SeriesTable,
  StepLatencyChart,
} from '../components/AnalyticsCharts';
import { PageTitle, Problem } from '../components/bits';

/**
 * One workflow's figures over a window: success rate and runs over time, latency p50/p95/p99 per
 * step, retries, checkpoint waits, errors by code, cost per run; by version and time range.
 */
export function WorkflowAnalyticsPage() {
  const name = useParams().workflow as string;
  const { choice, version, setChoice, setVersion } = useAnalyticsParams();
  const asked = windowOf(choice, Date.now());
  const figures = useApi(
    () => analyticsApi.workflow(name, { ...asked, version }),
    [name, asked.since, asked.until, version],
  );
  const versions = useApi(() => api.versions(name), [name]);
  const encoded = encodeURIComponent(name);

  return (
    <div className="analytics">
      <PageTitle
        actions={
          <>
            <Link to={`/workflows/${encoded}`}>Workflow</Link>
            <Link to={`/runs?workflow=${encoded}`}>Runs</Link>
            <Link to="/analytics">All workflows</Link>
          </>
        }
      >
        Analytics: {name}
        {version !== undefined && <small> v{version}</small>}
      </PageTitle>
      <AnalyticsControls
        choice={choice}
        onChoice={setChoice}
        versions={(versions.data ?? []).map((v) => v.version).sort((a, b) => b - a)}
        version={version}
        onVersion={setVersion}
      />
      <Problem error={figures.error} />
      {figures.loading && !figures.data && <p>Loading…</p>}
      {figures.data && <WorkflowFigures figures={figures.data} />}
    </div>
  );
}

function WorkflowFigures({ figures }: { figures: WorkflowAnalytics }) {
  const series = useMemo(() => seriesRows(figures.series, figures.bucket), [figures]);
  const latency = useMemo(() => stepLatencyRows(figures.steps), [figures]);
  const period = `${new Date(figures.since).toLocaleString()} → ${new Date(figures.until).toLocaleString()}`;

  if (figures.runs === 0) {
    return (
      <div className="empty-state" role="status">
        <p>
          <strong>No runs yet</strong> in this window ({period}
          {figures.version === null ? '' : `, version ${figures.version}`}).
        </p>
        <p>
          Start one with <strong>Test Run</strong> on the{' '}
          <Link to={`/workflows/${encodeURIComponent(figures.workflow)}`}>workflow page</Link>, or pick a
          longer time range.
        </p>
      </div>
    );
  }

  return (
    <>
      <p className="hint">Runs started {period}.</p>
      <FigureCards
        figures={figures}
        extra={
          figures.checkpoints.opened > 0 && (
            <div>
              <dt>Checkpoint wait</dt>
              <dd data-figure="checkpoint-wait">{ms(figures.checkpoints.waitMs.p50)}</dd>
              <small>
                p50 · {figures.checkpoints.resolved}/{figures.checkpoints.opened} answered ·{' '}
                {ms(figures.checkpoints.totalWaitMs)} in all
              </small>
            </div>
          )
        }
      />
      <div className="chart-grid">
        <ChartFigure
          title="Runs and success rate over time"
          summary={`Success rate ${percent(figures.successRate)}; ${seriesSummary(series)}.`}
          table={<SeriesTable rows={series} />}
        >
          <RunsChart rows={series} />
        </ChartFigure>
        <ChartFigure
          title="Latency per step (p50, p95, p99)"
          summary={latency.length === 0 ? 'No step has ended an attempt.' : stepLatencySummary(latency)}
          table={<LatencyTable rows={latency} />}
        >
          <StepLatencyChart rows={latency} />
        </ChartFigure>
      </div>

      <section aria-labelledby="steps-heading">
        <h2 id="steps-heading">Steps</h2>
        <div className="table-wrap">
          <StepsTable steps={figures.steps} />
        </div>
      </section>

      <div className="chart-grid">
        <section aria-labelledby="errors-heading">
          <h2 id="errors-heading">Errors by code</h2>
          <ErrorsByCode figures={figures} />
        </section>
        <section aria-labelledby="cost-heading">
          <h2 id="cost-heading">Cost per run</h2>
          {figures.cost === 0 ? (
            <p className="hint">
              No step reported a cost: agents with a priced model (CHAINMAIL_MODEL_PRICES) or an HTTP agent
              that answers its usage do.
            </p>
          ) : (
            <ChartFigure
              title={`Cost per run over time (${usd(figures.costPerRun)} on average)`}
              summary={`${usd(figures.cost)} for ${figures.runs} runs, ${usd(figures.costPerRun)} per run.`}
              table={<SeriesTable rows={series} />}
            >
              <CostPerRunChart rows={series} />
            </ChartFigure>
          )}
        </section>
      </div>

      {figures.versions.length > 1 && (
        <section aria-labelledby="versions-heading">
          <h2 id="versions-heading">By version</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Runs</th>
                  <th>Success rate</th>
                  <th>p50</th>
                  <th>p95</th>
                </tr>
              </thead>
              <tbody>
                {figures.versions.map((v) => (
                  <tr key={v.version}>
                    <td>v{v.version}</td>
                    <td>{v.runs}</td>
                    <td>{percent(v.successRate)}</td>
                    <td>{ms(v.latencyMs.p50)}</td>
                    <td>{ms(v.latencyMs.p95)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
    </>
  );
}

/** Every step: executions, success rate, latency, retries, cost, failed attempts, a checkpoint's wait. */
function StepsTable({ steps }: { steps: StepFigures[] }) {
  return (
    <table className="steps-figures">
      <thead>
        <tr>
          <th>Step</th>
          <th>Agent</th>
          <th>Runs</th>
          <th>Success rate</th>
          <th>p50</th>
          <th>p95</th>
          <th>p99</th>
          <th>Retries</th>
          <th>Cost</th>
          <th>Errors</th>
        </tr>
      </thead>
      <tbody>
        {steps.map((s) => (
          <tr key={s.id} data-step={s.id}>
            <td>
              <strong>{s.id}</strong>
            </td>
            <td>{s.agent ? <code>{s.agent}</code> : (s.kind ?? '—')}</td>
            <td>{s.runs}</td>
            <td data-figure="success-rate">{percent(s.successRate)}</td>
            <td data-figure="p50">{s.waitMs ? `wait ${ms(s.waitMs.p50)}` : ms(s.latencyMs.p50)}</td>
            <td data-figure="p95">{s.waitMs ? `wait ${ms(s.waitMs.p95)}` : ms(s.latencyMs.p95)}</td>
            <td data-figure="p99">{s.waitMs ? `wait ${ms(s.waitMs.p99)}` : ms(s.latencyMs.p99)}</td>
            <td>{s.retries}</td>
            <td>{usd(s.cost)}</td>
            <td>{s.errors.length === 0 ? '—' : s.errors.map((e) => `${e.code} × ${e.count}`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Failed runs by the code they ended with, and the steps' failed attempts by theirs. */
function ErrorsByCode({ figures }: { figures: WorkflowAnalytics }) {
  const attempts = figures.steps.flatMap((s) =>
    s.errors.map((e) => ({ where: `step ${s.id} · ${e.code}`, count: e.count })),
  );
  if (figures.errors.length === 0 && attempts.length === 0)
    return <p className="hint">No run or step attempt failed in this window.</p>;
  const rows = [...figures.errors.map((e) => ({ where: `run · ${e.code}`, count: e.count })), ...attempts];
  return (
    <ChartFigure
      title="Failed runs and step attempts by error code"
      summary={rows.map((r) => `${r.where} × ${r.count}`).join('; ')}
      table={
        <table>
          <thead>
            <tr>
              <th>Where · code</th>
              <th>Count</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.where}>
                <td>{r.where}</td>
                <td>{r.count}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <RankedBars
        rows={rows.map((r) => ({ name: r.where, value: r.count }))}
        label="Failures"
        format={String}
        integer
        colour="bad"
      />
    </ChartFigure>
  );
}
