import type { EngineFloor } from './floor';
import type { LoadResult } from './load';
import { formatTable, tableRows, TARGETS, type BenchReport } from './report';

const summary = (p50: number, p99 = p50 * 2) => ({ n: 10, p50, p99, mean: p50 });
const load = (concurrency: number, runsPerSecond: number, p50: number): LoadResult => ({
  runs: 10,
  concurrency,
  mode: 'wait',
  runsPerSecond,
  latency: summary(p50),
  failed: 0,
  waitTimeouts: 0,
  windowUs: [0, 1],
});
const engine: EngineFloor = {
  sequential: { runs: 10, concurrency: 1, runsPerSecond: 50, latency: summary(20) },
  concurrent: { runs: 10, concurrency: 16, runsPerSecond: 400, latency: summary(40) },
  oneStep: { runs: 10, concurrency: 1, runsPerSecond: 150, latency: summary(8) },
  perStepP50Ms: 4,
};
const base: BenchReport = {
  at: '',
  quick: false,
  machine: { cpus: 2, node: 'v20', loadAverage: [] },
  targets: TARGETS,
};
const floor = {
  infrastructure: {
    jetstreamPublishAck: summary(1),
    postgresCommit: summary(2),
    appendConsumeUpsert: summary(4),
  },
  engine,
};

describe('tableRows', () => {
  it('compares with the floor and says which targets are met', () => {
    const rows = tableRows({
      ...base,
      floor,
      wait: { sequential: load(1, 30, 25), concurrent: load(16, 360, 44) },
      poll: { sequential: load(1, 30, 40), concurrent: load(16, 200, 80) },
    });
    const row = (figure: string) => rows.find((r) => r[0] === figure);
    expect(row('REST ?wait=true: runs/s at 16')).toEqual([
      'REST ?wait=true: runs/s at 16',
      '360',
      '×0.9',
      '≥ ×0.85',
      'ok',
    ]);
    expect(row('REST + poll 5 ms: runs/s at 16')?.slice(2)).toEqual(['×0.5', '≥ ×0.6', 'MISSED']);
    expect(row('REST ?wait=true: run latency, one at a time (ms)')?.slice(2)).toEqual([
      'p50 ×1.25  p99 ×1.25',
      'p50 ≤ ×1.5',
      'ok',
    ]);
    expect(row('REST + poll 5 ms: run latency, one at a time (ms)')?.[4]).toBe('MISSED');
  });

  it("splits the CPU per run by process, the floor's engine as its own", () => {
    const cpu = { server: 2.31, client: 0.3, nats: 0.62, postgres: 0.55, total: 3.78 };
    const rows = tableRows({
      ...base,
      floor: {
        ...floor,
        engine: {
          ...engine,
          concurrent: { ...engine.concurrent, cpu: { client: 1.1, nats: 0.4, postgres: 0.4, total: 1.9 } },
        },
      },
      wait: { sequential: load(1, 30, 25), concurrent: { ...load(16, 360, 44), cpu } },
      poll: { sequential: load(1, 30, 40), concurrent: load(16, 200, 80) },
    });
    const row = (figure: string) => rows.find((r) => r[0] === figure);
    expect(row('floor: CPU per run at 16 (ms)')?.[1]).toBe('engine 1.10  nats 0.40  postgres 0.40 = 1.90');
    expect(row('REST ?wait=true: CPU per run at 16 (ms)')?.slice(1, 3)).toEqual([
      'server 2.31  client 0.30  nats 0.62  postgres 0.55 = 3.78',
      '×1.99',
    ]);
    expect(row('REST + poll 5 ms: CPU per run at 16 (ms)')?.slice(1, 3)).toEqual(['not measured', '']);
  });

  it('leaves the ratios out without a floor, and says recovery was not measured', () => {
    const cpu = { server: 2, client: 0.3, nats: 0.6, postgres: 0.5, total: 3.4 };
    const rows = tableRows({
      ...base,
      wait: { sequential: load(1, 30, 25), concurrent: { ...load(16, 360, 44), cpu } },
    });
    expect(rows.find((r) => r[0] === 'REST ?wait=true: runs/s at 16')?.slice(2)).toEqual(['', '≥ ×0.85', '']);
    expect(rows.find((r) => r[0] === 'REST ?wait=true: CPU per run at 16 (ms)')?.slice(1, 3)).toEqual([
      'server 2.00  client 0.30  nats 0.60  postgres 0.50 = 3.40',
      '',
    ]);
    expect(rows[rows.length - 1]).toEqual([
      'recovery after kill -9 of execution',
      'not measured',
      '',
      '',
      '',
    ]);
  });

  it('judges recovery after kill -9 by its time, losses and duplicates', () => {
    const recovery = {
      at: '2026-12-07T00:00:00.000Z',
      runs: 300,
      inFlightAtKill: 181,
      restartToAllFinishedS: 4.2,
      restartToFirstCommitS: 1.1,
      lost: 0,
      failed: 0,
      duplicates: 0,
    };
    const ok = tableRows({ ...base, recovery });
    expect(ok[ok.length - 1][1]).toBe(
      'first commit 1.1 s, all ended 4.2 s after the restart; lost 0, duplicate step results 0',
    );
    expect(ok[ok.length - 1][4]).toBe('ok');
    const late = tableRows({ ...base, recovery: { ...recovery, restartToAllFinishedS: 7.2 } });
    expect(late[late.length - 1][4]).toBe('MISSED');
    const lost = tableRows({ ...base, recovery: { ...recovery, lost: 1 } });
    expect(lost[lost.length - 1][4]).toBe('MISSED');
  });

  it('judges memory, parked runs and rebuild speed against their targets', () => {
    const rows = tableRows({
      ...base,
      memory: { idleRssMb: 150, peakRssMb: 300, profiled: false },
      parked: {
        runs: 10_000,
        startSeconds: 30,
        allParkedSeconds: 40,
        rssBeforeMb: 150,
        rssAfterMb: 230,
        addedRssMb: 80,
        rssJustParkedMb: 290,
        heapBeforeMb: 60,
        heapAfterMb: 70,
        addedHeapMb: 10,
        heapPerRunKb: 1.02,
        idleCpuMs: 20,
        idleSeconds: 10,
        idleCpuShare: 0.002,
      },
      rebuild: {
        commits: 50_000,
        events: 100_000,
        copiedCommits: 0,
        seconds: 4,
        eventsPerSecond: 25_000,
        commitsPerSecond: 12_500,
        cliOutput: [],
      },
    });
    expect(rows.map((r) => r[4]).filter((v) => v !== '')).toEqual(['ok', 'MISSED', 'ok', 'MISSED']);
  });
});

describe('formatTable', () => {
  it('aligns the columns under a header', () => {
    const lines = formatTable([['a', 'bb', '', 'c', 'ok']]);
    expect(lines[0].startsWith('figure  value')).toBe(true);
    expect(lines[1]).toBe('a       bb               c       ok');
  });
});
