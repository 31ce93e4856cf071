import type { AgentFigures, SeriesPoint, StepFigures, WorkflowAnalytics } from '@chainmail/contracts';
import { describe, expect, it } from 'vitest';
import {
  agentCostRows,
  bucketLabel,
  choiceFrom,
  mostFailingSteps,
  ms,
  percent,
  rankedSteps,
  seriesRows,
  seriesSummary,
  slowestSteps,
  stepLatencyRows,
  stepLatencySummary,
  topBy,
  usd,
  windowOf,
} from './shape';

const NONE = { p50: null, p95: null, p99: null };

const point = (at: string, runs: number, succeeded: number, failed: number, cost = 0): SeriesPoint => ({
  at,
  runs,
  succeeded,
  failed,
  successRate: succeeded + failed === 0 ? null : succeeded / (succeeded + failed),
  latencyMs: runs === 0 ? NONE : { p50: 100, p95: 200, p99: 300 },
  cost,
});

function step(id: string, figures: Partial<StepFigures> = {}): StepFigures {
  return {
    id,
    agent: `${id}@`,
    kind: 'agent',
    runs: 4,
    succeeded: 4,
    failed: 0,
    successRate: 1,
    latencyMs: { p50: 100, p95: 200, p99: 300 },
    retries: 0,
    cost: 0,
    tokens: 0,
    errors: [],
    waitMs: null,
    ...figures,
  };
}

const workflow = (name: string, steps: StepFigures[]): WorkflowAnalytics =>
  ({ workflow: name, steps }) as WorkflowAnalytics;

describe('series', () => {
  it('gives one row per bucket: outcomes, success rate in percent, cost per run, labelled in UTC', () => {
    const rows = seriesRows(
      [
        point('2026-12-07T13:00:00.000Z', 0, 0, 0),
        point('2026-12-07T14:00:00.000Z', 3, 2, 1, 0.06),
        point('2026-12-07T15:00:00.000Z', 1, 0, 0, 0.01),
      ],
      'hour',
    );
    expect(rows.map((r) => [r.label, r.runs, r.successPct, r.costPerRun, r.p95])).toEqual([
      ['7 Dec, 13:00', 0, null, null, null],
      ['7 Dec, 14:00', 3, 66.7, 0.02, 200],
      ['7 Dec, 15:00', 1, null, 0.01, 200],
    ]);
    expect(bucketLabel('2026-12-07T00:00:00.000Z', 'day')).toBe('7 Dec');
    expect(seriesSummary(rows)).toBe('4 runs in 2 of 3 periods, 2 succeeded, 1 failed');
    expect(seriesSummary(rows.slice(0, 1))).toBe('no runs in this window');
  });
});

describe('steps', () => {
  it("charts each step's p50/p95/p99 in the steps' order, leaving out checkpoints and steps with no ended attempt", () => {
    const rows = stepLatencyRows([
      step('research', { latencyMs: { p50: 1200, p95: 2500, p99: 2900 } }),
      step('approve', {
        kind: 'checkpoint',
        latencyMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
        waitMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
      }),
      step('unreached', { latencyMs: NONE }),
      step('draft', { latencyMs: { p50: 40, p95: null, p99: null } }),
    ]);
    expect(rows).toEqual([
      { step: 'research', p50: 1200, p95: 2500, p99: 2900 },
      { step: 'draft', p50: 40, p95: 40, p99: 40 },
    ]);
    expect(stepLatencySummary(rows)).toBe(
      'research: p50 1.20 s, p95 2.50 s, p99 2.90 s; draft: p50 40 ms, p95 40 ms, p99 40 ms',
    );
  });

  it('ranks the slowest and the most failing steps across workflows, top N only', () => {
    const steps = rankedSteps([
      workflow('a', [
        step('fast', { latencyMs: { p50: 10, p95: 20, p99: 30 } }),
        step('slow', { latencyMs: { p50: 900, p95: 5000, p99: 6000 }, failed: 1, successRate: 0.75 }),
        step('gate', { kind: 'checkpoint', latencyMs: { p50: 1e7, p95: 1e7, p99: 1e7 } }),
      ]),
      workflow('b', [
        step('slow', { latencyMs: { p50: 800, p95: 3000, p99: 3100 }, failed: 1, successRate: 0.5 }),
        step('broken', { latencyMs: NONE, failed: 3, successRate: 0, runs: 3 }),
      ]),
    ]);
    expect(slowestSteps(steps, 2).map((s) => s.label)).toEqual(['a · slow', 'b · slow']);
    expect(slowestSteps(steps, 10).map((s) => s.label)).toEqual(['a · slow', 'b · slow', 'a · fast']);
    expect(mostFailingSteps(steps, 10).map((s) => [s.label, s.failed, s.failureRate])).toEqual([
      ['b · broken', 3, 1],
      ['b · slow', 1, 0.5],
      ['a · slow', 1, 0.25],
    ]);
    expect(mostFailingSteps(steps, 1)).toHaveLength(1);
  });
});

describe('top N', () => {
  it('keeps the n highest positive scores, ties in input order', () => {
    const items = [
      { id: 'a', v: 1 },
      { id: 'b', v: 3 },
      { id: 'c', v: null },
      { id: 'd', v: 3 },
      { id: 'e', v: 0 },
    ];
    expect(topBy(items, (i) => i.v, 2).map((i) => i.id)).toEqual(['b', 'd']);
    expect(topBy(items, (i) => i.v, 9).map((i) => i.id)).toEqual(['b', 'd', 'a']);
  });

  it('ranks agents by cost, leaving out those without one', () => {
    const agent = (name: string, cost: number, calls: number) =>
      ({ agent: name, cost, calls }) as AgentFigures;
    expect(
      agentCostRows([agent('echo@', 0, 9), agent('gpt@', 0.5, 2), agent('cheap@', 0.01, 40)], 5),
    ).toEqual([
      { agent: 'gpt@', cost: 0.5, calls: 2 },
      { agent: 'cheap@', cost: 0.01, calls: 40 },
    ]);
  });
});

describe('window and figures', () => {
  const now = Date.parse('2026-12-07T19:05:25.123Z');

  it('reads the range or since/until from the address, and turns it into the API window', () => {
    expect(choiceFrom(new URLSearchParams('range=24h'))).toEqual({ range: '24h' });
    expect(choiceFrom(new URLSearchParams('range=1y'))).toEqual({});
    expect(choiceFrom(new URLSearchParams('since=2026-12-01T00:00:00Z&until=nonsense'))).toEqual({
      since: '2026-12-01T00:00:00.000Z',
      until: undefined,
    });
    expect(windowOf({ range: '24h' }, now)).toEqual({ since: '2026-12-06T19:05:00.000Z' });
    expect(windowOf({}, now)).toEqual({ since: '2026-11-30T19:05:00.000Z' });
    expect(windowOf({ since: '2026-12-01T00:00:00.000Z', until: '2026-12-02T00:00:00.000Z' }, now)).toEqual({
      since: '2026-12-01T00:00:00.000Z',
      until: '2026-12-02T00:00:00.000Z',
    });
  });

  it('says rates, durations and costs the way the CLI does', () => {
    expect([percent(null), percent(0.75), percent(2 / 3)]).toEqual(['—', '75%', '66.7%']);
    expect([ms(null), ms(250), ms(1500), ms(12_345), ms(125_000), ms(7_260_000)]).toEqual([
      '—',
      '250 ms',
      '1.50 s',
      '12.3 s',
      '2 min 5 s',
      '2 h 1 min',
    ]);
    expect([usd(null), usd(0), usd(0.0021), usd(1.5)]).toEqual(['—', '$0', '$0.0021', '$1.50']);
  });
});
