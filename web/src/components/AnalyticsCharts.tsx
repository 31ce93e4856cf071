import { useId, type ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  LineChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { RunFigures } from '@chainmail/contracts';
import { ms, percent, usd, type SeriesRow, type StepLatencyRow } from '../analytics/shape';

/** The console's colours (styles.css), as SVG attributes need them. */
const COLOURS = {
  ok: '#1f8a4c',
  bad: '#c23a2b',
  accent: '#2f5fd0',
  p50: '#8fb0ee',
  p95: '#2f5fd0',
  p99: '#17306e',
  muted: '#5d6778',
  line: '#d9dde5',
} as const;

const AXIS = { fontSize: 12, fill: COLOURS.muted };

/**
 * A chart with its title, an accessible name that carries its figures (the chart is drawn for the
 * eye), and its data as a table one click away, for screen readers and for copying.
 */
export function ChartFigure({
  title,
  summary,
  table,
  children,
}: {
  title: string;
  summary: string;
  /** The chart's data as a table, when the page does not show one beside it. */
  table?: ReactNode;
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="chart" aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <p id={`${id}-summary`} className="sr-only">
        {summary}
      </p>
      <div className="chart-canvas" aria-hidden="true">
        {children}
      </div>
      {table !== undefined && (
        <details className="chart-table">
          <summary>Table</summary>
          <div className="table-wrap">{table}</div>
        </details>
      )}
    </figure>
  );
}

/** Headline figures: runs, success rate, latency, cost. */
export function FigureCards({ figures, extra }: { figures: RunFigures; extra?: ReactNode }) {
  return (
    <dl className="figure-cards">
      <div>
        <dt>Runs</dt>
        <dd data-figure="runs">{figures.runs}</dd>
        <small>
          {figures.succeeded} succeeded · {figures.failed} failed
          {figures.running > 0 ? ` · ${figures.running} running` : ''}
          {figures.cancelled > 0 ? ` · ${figures.cancelled} cancelled` : ''}
        </small>
      </div>
      <div>
        <dt>Success rate</dt>
        <dd data-figure="success-rate">{percent(figures.successRate)}</dd>
        <small>of the runs that ended (cancelled ones aside)</small>
      </div>
      <div>
        <dt>Run latency</dt>
        <dd data-figure="latency-p50">{ms(figures.latencyMs.p50)}</dd>
        <small>
          p50 · p95 {ms(figures.latencyMs.p95)} · p99 {ms(figures.latencyMs.p99)}
        </small>
      </div>
      <div>
        <dt>Cost per run</dt>
        <dd data-figure="cost-per-run">{usd(figures.costPerRun)}</dd>
        <small>
          {usd(figures.cost)} in all · {figures.tokens} tokens
        </small>
      </div>
      {extra}
    </dl>
  );
}

/** Runs per period (succeeded and failed stacked) and the success rate as a line. */
export function RunsChart({ rows }: { rows: SeriesRow[] }) {
  return (
    <ComposedChart
      accessibilityLayer={false}
      responsive
      style={{ width: '100%', height: 260 }}
      data={rows}
      margin={{ top: 8, right: 4 }}
    >
      <CartesianGrid stroke={COLOURS.line} vertical={false} />
      <XAxis dataKey="label" tick={AXIS} minTickGap={16} />
      <YAxis yAxisId="runs" allowDecimals={false} tick={AXIS} width={36} />
      <YAxis
        yAxisId="rate"
        orientation="right"
        domain={[0, 100]}
        tickFormatter={(v: number) => `${v}%`}
        tick={AXIS}
        width={44}
      />
      <Tooltip formatter={(value, name) => (name === 'Success rate' ? `${String(value)}%` : String(value))} />
      <Legend />
      <Bar
        yAxisId="runs"
        dataKey="succeeded"
        name="Succeeded"
        stackId="runs"
        fill={COLOURS.ok}
        isAnimationActive={false}
      />
      <Bar
        yAxisId="runs"
        dataKey="failed"
        name="Failed"
        stackId="runs"
        fill={COLOURS.bad}
        isAnimationActive={false}
      />
      <Line
        yAxisId="rate"
        dataKey="successPct"
        name="Success rate"
        stroke={COLOURS.accent}
        strokeWidth={2}
        dot={{ r: 3 }}
        connectNulls
        isAnimationActive={false}
      />
    </ComposedChart>
  );
}

export function SeriesTable({ rows }: { rows: SeriesRow[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Period (UTC)</th>
          <th>Runs</th>
          <th>Succeeded</th>
          <th>Failed</th>
          <th>Success rate</th>
          <th>p95 latency</th>
          <th>Cost per run</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.at}>
            <td>{row.label}</td>
            <td>{row.runs}</td>
            <td>{row.succeeded}</td>
            <td>{row.failed}</td>
            <td>{row.successPct === null ? '—' : `${row.successPct}%`}</td>
            <td>{ms(row.p95)}</td>
            <td>{usd(row.costPerRun)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each step's p50, p95 and p99 as bars side by side, one group per step. */
export function StepLatencyChart({ rows }: { rows: StepLatencyRow[] }) {
  return (
    <BarChart
      accessibilityLayer={false}
      responsive
      layout="vertical"
      style={{ width: '100%', height: Math.max(140, rows.length * 56 + 60) }}
      data={rows}
      margin={{ right: 12 }}
    >
      <CartesianGrid stroke={COLOURS.line} horizontal={false} />
      <XAxis type="number" tickFormatter={(v: number) => ms(v)} tick={AXIS} />
      <YAxis type="category" dataKey="step" tick={AXIS} width={96} />
      <Tooltip formatter={(value) => ms(Number(value))} />
      <Legend />
      <Bar dataKey="p50" name="p50" fill={COLOURS.p50} isAnimationActive={false} />
      <Bar dataKey="p95" name="p95" fill={COLOURS.p95} isAnimationActive={false} />
      <Bar dataKey="p99" name="p99" fill={COLOURS.p99} isAnimationActive={false} />
    </BarChart>
  );
}

export function LatencyTable({ rows }: { rows: StepLatencyRow[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th>Step</th>
          <th>p50</th>
          <th>p95</th>
          <th>p99</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.step}>
            <td>{row.step}</td>
            <td>{ms(row.p50)}</td>
            <td>{ms(row.p95)}</td>
            <td>{ms(row.p99)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Cuts a name to fit the axis of a phone-wide chart. */
const cut = (text: string, max = 22): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** A bar's name on its axis: `workflow · step` on two lines, each cut to fit. */
function NameTick({ x = 0, y = 0, payload }: { x?: number; y?: number; payload?: { value?: unknown } }) {
  const lines = String(payload?.value ?? '')
    .split(' · ')
    .map((line) => cut(line));
  return (
    <text x={x} y={y} textAnchor="end" fontSize={12} fill={COLOURS.muted}>
      {lines.map((line, i) => (
        <tspan key={i} x={x - 4} dy={i === 0 ? 4 - (lines.length - 1) * 7 : 14}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/** One bar per row, highest first as given; `integer` for counts. */
export function RankedBars({
  rows,
  label,
  format,
  integer = false,
  colour = 'accent',
}: {
  rows: { name: string; value: number }[];
  label: string;
  format: (value: number) => string;
  integer?: boolean;
  colour?: 'accent' | 'bad' | 'ok';
}) {
  return (
    <BarChart
      accessibilityLayer={false}
      responsive
      layout="vertical"
      style={{ width: '100%', height: Math.max(110, rows.length * 44 + 40) }}
      data={rows}
      margin={{ right: 16 }}
    >
      <CartesianGrid stroke={COLOURS.line} horizontal={false} />
      <XAxis type="number" tickFormatter={(v: number) => format(v)} tick={AXIS} allowDecimals={!integer} />
      <YAxis type="category" dataKey="name" width={140} tick={(props: object) => <NameTick {...props} />} />
      <Tooltip formatter={(v) => format(Number(v))} />
      <Bar dataKey="value" name={label} fill={COLOURS[colour]} maxBarSize={26} isAnimationActive={false} />
    </BarChart>
  );
}

/** Cost per run over time. */
export function CostPerRunChart({ rows }: { rows: SeriesRow[] }) {
  return (
    <LineChart
      accessibilityLayer={false}
      responsive
      style={{ width: '100%', height: 200 }}
      data={rows}
      margin={{ right: 12 }}
    >
      <CartesianGrid stroke={COLOURS.line} vertical={false} />
      <XAxis dataKey="label" tick={AXIS} minTickGap={16} />
      <YAxis tickFormatter={(v: number) => usd(v)} tick={AXIS} width={64} />
      <Tooltip formatter={(v) => usd(Number(v))} />
      <Line
        dataKey="costPerRun"
        name="Cost per run"
        stroke={COLOURS.accent}
        strokeWidth={2}
        dot={{ r: 3 }}
        connectNulls
        isAnimationActive={false}
      />
    </LineChart>
  );
}
