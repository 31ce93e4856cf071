import { useMemo } from 'react';
import { Link } from 'react-router';
import type { AgentFigures, AnalyticsOverview, WorkflowAnalytics } from '@chainmail/contracts';
import { analyticsApi, type AnalyticsWindow } from '../api/analytics';
import { useApi } from '../api/use-api';
import {
  agentCostRows,
  mostFailingSteps,
  ms,
  percent,
  rankedSteps,
  seriesRows,
  seriesSummary,
  slowestSteps,
  usd,
  windowOf,
  type RankedStep,
} from '../analytics/shape';
import { AnalyticsControls, useAnalyticsParams } from '../components/AnalyticsControls';
import { ChartFigure, FigureCards, RankedBars, RunsChart, SeriesTable } from '../components/AnalyticsCharts';
import { PageTitle, Problem } from '../components/bits';

/** Workflows whose steps are read for the slowest and most failing steps: the busiest ones. */
const WORKFLOWS_FOR_STEPS = 8;
const TOP = 5;

/**
 * Every workflow the signed-in identity sees, over a window: runs and success rate over time, the
 * busiest workflows, the slowest and most failing steps, and the cost per agent.
 */
export function AnalyticsPage() {
  const { choice, setChoice } = useAnalyticsParams();
  const asked = windowOf(choice, Date.now());
  const key = [asked.since, asked.until];
  const overview = useApi(() => analyticsApi.overview(asked), key);
  const agents = useApi(() => analyticsApi.agents(asked), key);
  const busiest = overview.data?.workflows.slice(0, WORKFLOWS_FOR_STEPS).map((w) => w.workflow) ?? [];
  const details = useApi(() => workflowsFigures(busiest, asked), [...key, busiest.join('\n')]);

  return (
    <div className="analytics">
      <PageTitle>Analytics</PageTitle>
      <AnalyticsControls choice={choice} onChoice={setChoice} />
      <Problem error={overview.error} />
      {overview.loading && !overview.data && <p>Loading…</p>}
      {overview.data && (
        <Overview overview={overview.data} steps={details.data ?? []} agents={agents.data?.agents} />
      )}
      <Problem error={agents.error} />
    </div>
  );
}

/** The figures of each workflow (those that answer: one removed meanwhile is left out). */
async function workflowsFigures(names: string[], asked: AnalyticsWindow): Promise<WorkflowAnalytics[]> {
  const answers = await Promise.allSettled(names.map((name) => analyticsApi.workflow(name, asked)));
  return answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
}

function Overview({
  overview,
  steps,
  agents,
}: {
  overview: AnalyticsOverview;
  steps: WorkflowAnalytics[];
  agents: AgentFigures[] | undefined;
}) {
  const series = useMemo(() => seriesRows(overview.series, overview.bucket), [overview]);
  const ranked = useMemo(() => rankedSteps(steps), [steps]);

  if (overview.runs === 0) {
    return (
      <div className="empty-state" role="status">
        <p>
          <strong>No runs yet</strong> in this window: open a <Link to="/workflows">workflow</Link> and start
          one with <strong>Test Run</strong>, or pick a longer time range.
        </p>
      </div>
    );
  }

  return (
    <>
      <p className="hint">
        Runs started {new Date(overview.since).toLocaleString()} → {new Date(overview.until).toLocaleString()}
        , of every workflow this token sees.
      </p>
      <FigureCards figures={overview} />
      <div className="chart-grid">
        <ChartFigure
          title="Runs and success rate over time"
          summary={`Success rate ${percent(overview.successRate)}; ${seriesSummary(series)}.`}
          table={<SeriesTable rows={series} />}
        >
          <RunsChart rows={series} />
        </ChartFigure>
        <section aria-labelledby="top-workflows">
          <h2 id="top-workflows">Top workflows</h2>
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Workflow</th>
                  <th>Runs</th>
                  <th>Success rate</th>
                  <th>p50</th>
                  <th>p95</th>
                  <th>Cost per run</th>
                </tr>
              </thead>
              <tbody>
                {overview.workflows.map((w) => (
                  <tr key={w.workflow} data-workflow={w.workflow}>
                    <td>
                      <Link to={`/analytics/${encodeURIComponent(w.workflow)}`}>{w.workflow}</Link>
                    </td>
                    <td>{w.runs}</td>
                    <td data-figure="success-rate">{percent(w.successRate)}</td>
                    <td>{ms(w.latencyMs.p50)}</td>
                    <td>{ms(w.latencyMs.p95)}</td>
                    <td>{usd(w.costPerRun)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </div>
      <div className="chart-grid">
        <StepRanking
          title="Slowest steps (p95)"
          steps={slowestSteps(ranked, TOP)}
          value="p95"
          format={ms}
          empty="No step has ended an attempt yet."
        />
        <StepRanking
          title="Most failing steps"
          steps={mostFailingSteps(ranked, TOP)}
          value="failed"
          format={String}
          empty="No step failed in this window."
          colour="bad"
        />
      </div>
      <AgentCosts agents={agents} />
    </>
  );
}

function StepRanking({
  title,
  steps,
  value,
  format,
  empty,
  colour,
}: {
  title: string;
  steps: RankedStep[];
  value: 'p95' | 'failed';
  format: (value: number) => string;
  empty: string;
  colour?: 'bad';
}) {
  return (
    <section aria-label={title}>
      {steps.length === 0 ? (
        <>
          <h2>{title}</h2>
          <p className="hint">{empty}</p>
        </>
      ) : (
        <ChartFigure
          title={title}
          summary={`Across the busiest workflows: ${steps.map((s) => `${s.label}: ${format(s[value] ?? 0)}`).join('; ')}`}
          table={
            <table>
              <thead>
                <tr>
                  <th>Workflow</th>
                  <th>Step</th>
                  <th>Runs</th>
                  <th>Failed</th>
                  <th>p50</th>
                  <th>p95</th>
                </tr>
              </thead>
              <tbody>
                {steps.map((s) => (
                  <tr key={s.label}>
                    <td>
                      <Link to={`/analytics/${encodeURIComponent(s.workflow)}`}>{s.workflow}</Link>
                    </td>
                    <td>{s.step}</td>
                    <td>{s.runs}</td>
                    <td>{s.failed}</td>
                    <td>{ms(s.p50)}</td>
                    <td>{ms(s.p95)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          }
        >
          <RankedBars
            rows={steps.map((s) => ({ name: s.label, value: s[value] ?? 0 }))}
            label={title}
            format={format}
            integer={value === 'failed'}
            colour={colour}
          />
        </ChartFigure>
      )}
    </section>
  );
}

function AgentCosts({ agents }: { agents: AgentFigures[] | undefined }) {
  if (agents === undefined) return null;
  const costly = agentCostRows(agents, 10);
  return (
    <section aria-labelledby="agents-heading">
      <h2 id="agents-heading">Agents</h2>
      {costly.length === 0 ? (
        <p className="hint">
          No agent reported a cost: agents with a priced model (CHAINMAIL_MODEL_PRICES) or an HTTP agent that
          answers its usage do.
        </p>
      ) : (
        <ChartFigure
          title="Cost per agent"
          summary={costly.map((a) => `${a.agent}: ${usd(a.cost)} for ${a.calls} calls`).join('; ')}
        >
          <RankedBars
            rows={costly.map((a) => ({ name: a.agent, value: a.cost }))}
            label="Cost"
            format={usd}
          />
        </ChartFigure>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Agent</th>
              <th>Calls</th>
              <th>Success rate</th>
              <th>p50</th>
              <th>p95</th>
              <th>Tokens</th>
              <th>Cost</th>
            </tr>
          </thead>
          <tbody>
            {agents.map((a) => (
              <tr key={a.agent} data-agent={a.agent}>
                <td>
                  <code>{a.agent}</code>
                </td>
                <td>{a.calls}</td>
                <td>{percent(a.successRate)}</td>
                <td>{ms(a.latencyMs.p50)}</td>
                <td>{ms(a.latencyMs.p95)}</td>
                <td>{a.tokens}</td>
                <td>{usd(a.cost)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
