import type { AnalyticsOverview, RunFigures, SeriesPoint, WorkflowAnalytics } from '@chainmail/contracts';
import { InvalidArgumentError, type Command } from 'commander';
import { isRecord, UnexpectedResponse } from '../api-types';
import { UsageError, type CliContext } from '../context';
import { formatDuration, table } from '../render';
import { positiveInt, type ActionRunner } from './options';

/** `stats [NAME]`: a workflow's figures (or every workflow's) from `GET /v1/analytics/…`. */
export function registerStatsCommand(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('stats [name]')
    .description(
      "success rate, latency per step, errors, cost and a trend of a workflow's runs (all workflows without NAME)",
    )
    .option(
      '--since <when>',
      'runs started since: a duration back from now (30m, 24h, 7d) or an ISO time',
      '7d',
    )
    .option('--at-version <n>', "only this version's runs (with NAME)", positiveInt('--at-version'))
    .option('--bucket <hour|day>', 'trend line buckets (default: hourly up to 2 days, else daily)', bucketOf)
    .option('--json', 'machine-readable output (the API response)')
    .action(
      (
        name: string | undefined,
        opts: { since: string; atVersion?: number; bucket?: string; json?: boolean },
      ) => run(() => stats(ctx, name, opts)),
    );
}

function bucketOf(value: string): string {
  if (value !== 'hour' && value !== 'day') throw new InvalidArgumentError('--bucket must be hour or day.');
  return value;
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `30m`, `24h`, `7d`, `2w` back from `now`, or an ISO time, as the ISO time the API takes. */
export function sinceTime(value: string, now: Date): string {
  const duration = /^(\d+)\s*([mhdw])$/.exec(value.trim());
  if (duration) return new Date(now.getTime() - Number(duration[1]) * UNITS[duration[2]]).toISOString();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw new UsageError(
      `--since must be a duration (30m, 24h, 7d, 2w) or an ISO time (2026-01-31T09:00:00Z), not "${value}".`,
    );
  }
  return new Date(time).toISOString();
}

async function stats(
  ctx: CliContext,
  name: string | undefined,
  opts: { since: string; atVersion?: number; bucket?: string; json?: boolean },
): Promise<number> {
  const query: Record<string, string> = { since: sinceTime(opts.since, ctx.io.now()) };
  if (opts.atVersion !== undefined && name !== undefined) query.version = String(opts.atVersion);
  if (opts.bucket !== undefined) query.bucket = opts.bucket;
  const body = await ctx.api().analytics(name, query);
  if (opts.json === true) {
    ctx.line(JSON.stringify(body, null, 2));
    return 0;
  }
  if (!isRecord(body)) throw new UnexpectedResponse('the analytics answer is not a JSON object');
  ctx.io.out(
    name === undefined
      ? renderOverview(body as unknown as AnalyticsOverview, ctx)
      : renderWorkflow(body as unknown as WorkflowAnalytics, ctx),
  );
  return 0;
}

const BARS = '▁▂▃▄▅▆▇█';

/** One character per value, scaled to the largest; null (nothing to show) is a space. */
export function sparkline(values: Array<number | null>, max?: number): string {
  const top = max ?? Math.max(0, ...values.map((v) => v ?? 0));
  return values
    .map((v) => {
      if (v === null) return ' ';
      if (top <= 0) return BARS[0];
      return BARS[Math.min(BARS.length - 1, Math.round((v / top) * (BARS.length - 1)))];
    })
    .join('');
}

const percent = (rate: number | null): string => (rate === null ? '-' : `${Math.round(rate * 1000) / 10}%`);
const ms = (value: number | null): string => (value === null ? '-' : formatDuration(value));
const usd = (value: number): string =>
  value === 0 ? '-' : `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;
const day = (iso: string): string => iso.slice(0, 16).replace('T', ' ');

function summary(f: RunFigures, ctx: Pick<CliContext, 'palette'>): string[] {
  const p = ctx.palette;
  const outcomes = [
    p.paint('green', `${f.succeeded} succeeded`),
    p.paint('red', `${f.failed} failed`),
    ...(f.cancelled > 0 ? [`${f.cancelled} cancelled`] : []),
    ...(f.running > 0 ? [`${f.running} running`] : []),
  ];
  return [
    `Runs:     ${f.runs} (${outcomes.join(', ')})`,
    `Success:  ${percent(f.successRate)}`,
    `Latency:  p50 ${ms(f.latencyMs.p50)}  p95 ${ms(f.latencyMs.p95)}  p99 ${ms(f.latencyMs.p99)}`,
    `Cost:     ${usd(f.cost)}  (${f.tokens} tokens)`,
  ];
}

function trend(series: SeriesPoint[], bucket: string, ctx: Pick<CliContext, 'palette'>): string[] {
  if (series.length === 0) return [];
  const dim = (s: string) => ctx.palette.paint('dim', s);
  return [
    `Trend:    runs    ${sparkline(series.map((s) => s.runs))}  ${dim(`per ${bucket}, ${day(series[0].at)} → now`)}`,
    `          success ${sparkline(
      series.map((s) => s.successRate),
      1,
    )}`,
  ];
}

export function renderWorkflow(f: WorkflowAnalytics, ctx: Pick<CliContext, 'palette'>): string {
  const p = ctx.palette;
  const version = f.version === null ? '' : ` v${f.version}`;
  const lines = [
    `${p.paint('bold', `${f.workflow}${version}`)}  ${p.paint('dim', `runs started ${day(f.since)} → ${day(f.until)} UTC`)}`,
    '',
    ...summary(f, ctx),
  ];
  if (f.checkpoints.opened > 0) {
    lines.push(
      `Waiting:  ${f.checkpoints.resolved}/${f.checkpoints.opened} checkpoints answered, p50 ${ms(f.checkpoints.waitMs.p50)}, ${ms(f.checkpoints.totalWaitMs)} in all`,
    );
  }
  lines.push(...trend(f.series, f.bucket, ctx));
  if (f.steps.length > 0) {
    lines.push('', p.paint('bold', 'Steps'));
    lines.push(
      table(
        ['STEP', 'AGENT', 'RUNS', 'SUCCESS', 'P50', 'P95', 'P99', 'RETRIES', 'COST'],
        f.steps.map((s) => [
          s.id,
          s.agent ?? (s.waitMs ? 'checkpoint' : '-'),
          String(s.runs),
          percent(s.successRate),
          ms(s.latencyMs.p50),
          ms(s.latencyMs.p95),
          ms(s.latencyMs.p99),
          String(s.retries),
          usd(s.cost),
        ]),
        p,
      ).trimEnd(),
    );
  }
  if (f.errors.length > 0) {
    lines.push('', p.paint('bold', 'Failures'));
    for (const e of f.errors) lines.push(`  ${p.paint('red', e.code)} × ${e.count}`);
  }
  if (f.runs === 0)
    lines.push(
      '',
      p.paint('dim', 'No runs in this window: try --since 30d, or start one with `chainmail run`.'),
    );
  return `${lines.join('\n')}\n`;
}

export function renderOverview(f: AnalyticsOverview, ctx: Pick<CliContext, 'palette'>): string {
  const p = ctx.palette;
  const lines = [
    `${p.paint('bold', 'All workflows')}  ${p.paint('dim', `runs started ${day(f.since)} → ${day(f.until)} UTC`)}`,
    '',
    ...summary(f, ctx),
    ...trend(f.series, f.bucket, ctx),
  ];
  if (f.workflows.length > 0) {
    lines.push('');
    lines.push(
      table(
        ['WORKFLOW', 'RUNS', 'SUCCESS', 'P50', 'P95', 'COST'],
        f.workflows.map((w) => [
          w.workflow,
          String(w.runs),
          percent(w.successRate),
          ms(w.latencyMs.p50),
          ms(w.latencyMs.p95),
          usd(w.cost),
        ]),
        p,
      ).trimEnd(),
    );
    lines.push('', p.paint('dim', 'One workflow in detail: chainmail stats NAME'));
  }
  return `${lines.join('\n')}\n`;
}
