import type { CpuPerRun } from './cpu';
import type { ProfileSummary } from './cpu-profile';
import type { EngineFloor, Floor } from './floor';
import type { LoadResult } from './load';
import type { ParkedResult } from './parked';
import type { RebuildResult } from './rebuild';
import type { RecoveryReport } from './recovery';
import { round, type Summary } from './stats';

/** Everything one bench run measured; a phase left out (`--only`) is absent. */
export interface StepCost {
  oneStep: Summary;
  fourSteps: Summary;
  perStepP50Ms: number;
  perStepP99Ms: number;
}

export interface BenchReport {
  at: string;
  quick: boolean;
  machine: { cpus: number; node: string; loadAverage: number[] };
  floor?: { infrastructure: Floor; engine: EngineFloor };
  wait?: { sequential: LoadResult; concurrent: LoadResult };
  poll?: { sequential: LoadResult; concurrent: LoadResult };
  /** Instant builtins: their results ride in the commit that starts them. */
  steps?: StepCost;
  /** An agent that is really called (sleep@ 0 ms): a commit and a round trip per step. */
  calledSteps?: StepCost;
  /** `profiled`: the process ran with `--cpu-prof`, whose samples take memory of their own. */
  memory?: { idleRssMb: number; peakRssMb: number; profiled: boolean };
  parked?: ParkedResult;
  rebuild?: RebuildResult;
  /** The kill -9 recovery measurement (bench/recovery.ts), when its phase ran. */
  recovery?: RecoveryReport;
  profile?: {
    dir: string;
    file: string;
    wait?: ProfileSummary;
    poll?: ProfileSummary;
    rebuild?: ProfileSummary;
  };
  targets: typeof TARGETS;
}

export const TARGETS = {
  waitRunsPerSecondVsFloor: 0.85,
  pollRunsPerSecondVsFloor: 0.6,
  sequentialP50VsFloor: 1.5,
  idleRssMb: 200,
  rebuildEventsPerSecond: 50_000,
  parkedAddedRssMb: 50,
  /** "~0 CPU": under 1 % of a core. */
  parkedIdleCpuShare: 0.01,
  /** Restart of execution → every in-flight run ended. */
  recoverySeconds: 5,
};

type Row = [figure: string, value: string, vsFloor: string, target: string, verdict: string];

const ratio = (value: number, floor: number | undefined): number | undefined =>
  floor === undefined || !Number.isFinite(floor) || floor === 0 ? undefined : round(value / floor, 2);
const x = (r: number | undefined): string => (r === undefined ? '' : `×${r}`);
const verdict = (ok: boolean | undefined): string => (ok === undefined ? '' : ok ? 'ok' : 'MISSED');
const lat = (s: Summary): string => `p50 ${s.p50}  p99 ${s.p99}`;
const ms = (n: number): string => n.toFixed(2);

/** Each process's CPU ms per run and their sum; the floor's own process is its engine, not a client. */
function cpuSplit(cpu: CpuPerRun | undefined, ownProcess: 'client' | 'engine'): string {
  if (!cpu) return 'not measured';
  const parts = [
    ...(cpu.server === undefined ? [] : [`server ${ms(cpu.server)}`]),
    `${ownProcess} ${ms(cpu.client)}`,
    `nats ${ms(cpu.nats)}`,
    `postgres ${ms(cpu.postgres)}`,
  ];
  return `${parts.join('  ')} = ${ms(cpu.total)}`;
}

export function tableRows(r: BenchReport): Row[] {
  const engine = r.floor?.engine;
  const rows: Row[] = [];
  if (r.floor) {
    const f = r.floor.infrastructure;
    rows.push(['floor: JetStream publish-ack (ms)', lat(f.jetstreamPublishAck), '', '', '']);
    rows.push(['floor: Postgres commit (ms)', lat(f.postgresCommit), '', '', '']);
    rows.push(['floor: append+consume+upsert (ms)', lat(f.appendConsumeUpsert), '', '', '']);
    rows.push(['floor: 4-step run, one at a time (ms)', lat(r.floor.engine.sequential.latency), '', '', '']);
    rows.push(['floor: 4-step runs/s at 16', String(r.floor.engine.concurrent.runsPerSecond), '', '', '']);
    rows.push([
      'floor: CPU per run at 16 (ms)',
      cpuSplit(r.floor.engine.concurrent.cpu, 'engine'),
      '',
      '',
      '',
    ]);
    rows.push(['floor: per-step (4-step − 1-step)/3 (ms)', `p50 ${r.floor.engine.perStepP50Ms}`, '', '', '']);
  }
  const load = (
    label: string,
    m: { sequential: LoadResult; concurrent: LoadResult },
    target: number,
  ): void => {
    const rps = ratio(m.concurrent.runsPerSecond, engine?.concurrent.runsPerSecond);
    rows.push([
      `${label}: runs/s at ${m.concurrent.concurrency}`,
      String(m.concurrent.runsPerSecond),
      x(rps),
      `≥ ×${target}`,
      verdict(rps === undefined ? undefined : rps >= target),
    ]);
    rows.push([
      `${label}: run latency at ${m.concurrent.concurrency} (ms)`,
      lat(m.concurrent.latency),
      x(ratio(m.concurrent.latency.p50, engine?.concurrent.latency.p50)),
      '',
      '',
    ]);
    const cpu = m.concurrent.cpu;
    rows.push([
      `${label}: CPU per run at ${m.concurrent.concurrency} (ms)`,
      cpuSplit(cpu, 'client'),
      cpu ? x(ratio(cpu.total, engine?.concurrent.cpu?.total)) : '',
      '',
      '',
    ]);
    const p50 = ratio(m.sequential.latency.p50, engine?.sequential.latency.p50);
    const p99 = ratio(m.sequential.latency.p99, engine?.sequential.latency.p99);
    rows.push([
      `${label}: run latency, one at a time (ms)`,
      lat(m.sequential.latency),
      p50 === undefined ? '' : `p50 ×${p50}  p99 ×${p99}`,
      `p50 ≤ ×${TARGETS.sequentialP50VsFloor}`,
      verdict(p50 === undefined ? undefined : p50 <= TARGETS.sequentialP50VsFloor),
    ]);
    if (m.sequential.accepted) {
      rows.push([`${label}: POST answered 202, one at a time (ms)`, lat(m.sequential.accepted), '', '', '']);
    }
    const failed = m.sequential.failed + m.concurrent.failed;
    const timeouts = m.sequential.waitTimeouts + m.concurrent.waitTimeouts;
    if (failed > 0 || timeouts > 0) {
      rows.push([
        `${label}: runs failed / waits timed out`,
        `${failed} / ${timeouts}`,
        '',
        '0 / 0',
        'MISSED',
      ]);
    }
  };
  if (r.wait) load('REST ?wait=true', r.wait, TARGETS.waitRunsPerSecondVsFloor);
  if (r.poll) load('REST + poll 5 ms', r.poll, TARGETS.pollRunsPerSecondVsFloor);
  const steps = (label: string, cost: StepCost): void => {
    rows.push([`1-step run, ${label}, one at a time, ?wait=true (ms)`, lat(cost.oneStep), '', '', '']);
    rows.push([`4-step run, ${label}, one at a time, ?wait=true (ms)`, lat(cost.fourSteps), '', '', '']);
    rows.push([
      `per-step overhead, ${label} (4-step − 1-step)/3 (ms)`,
      `p50 ${cost.perStepP50Ms}  p99 ${cost.perStepP99Ms}`,
      x(ratio(cost.perStepP50Ms, engine?.perStepP50Ms)),
      '',
      '',
    ]);
  };
  if (r.steps) steps('instant builtins', r.steps);
  if (r.calledSteps) steps('called agent (sleep@ 0 ms)', r.calledSteps);
  if (r.memory) {
    rows.push([
      `memory: idle RSS / peak RSS (MB)${r.memory.profiled ? ', profiled process' : ''}`,
      `${r.memory.idleRssMb} / ${r.memory.peakRssMb}`,
      '',
      `idle ≤ ${TARGETS.idleRssMb}`,
      verdict(r.memory.idleRssMb <= TARGETS.idleRssMb),
    ]);
  }
  if (r.parked) {
    const p = r.parked;
    rows.push([
      `${p.runs} parked runs: RSS added, settled (MB)`,
      `${p.addedRssMb} (${p.rssBeforeMb} → ${p.rssAfterMb}; ${p.rssJustParkedMb} just after parking)`,
      '',
      `≤ ${TARGETS.parkedAddedRssMb}`,
      verdict(p.addedRssMb <= TARGETS.parkedAddedRssMb),
    ]);
    rows.push([
      `${p.runs} parked runs: heap held after a full GC (MB)`,
      `${p.addedHeapMb} (${p.heapBeforeMb} → ${p.heapAfterMb}; ${p.heapPerRunKb} KB a run)`,
      '',
      '',
      '',
    ]);
    rows.push([
      `${p.runs} parked runs: idle CPU`,
      `${p.idleCpuMs} ms in ${p.idleSeconds} s (${round(p.idleCpuShare * 100, 2)}% of a core)`,
      '',
      `~0 (< ${TARGETS.parkedIdleCpuShare * 100}%)`,
      verdict(p.idleCpuShare < TARGETS.parkedIdleCpuShare),
    ]);
    rows.push([
      `${p.runs} parked runs: started / all parked (s)`,
      `${p.startSeconds} / ${p.allParkedSeconds}`,
      '',
      '',
      '',
    ]);
  }
  if (r.rebuild) {
    const b = r.rebuild;
    rows.push([
      `rebuild (chainmail replay) of ${b.events} events`,
      `${b.eventsPerSecond} events/s (${b.commitsPerSecond} commits/s, ${b.seconds} s)`,
      '',
      `≥ ${TARGETS.rebuildEventsPerSecond}`,
      verdict(b.eventsPerSecond >= TARGETS.rebuildEventsPerSecond),
    ]);
  }
  const rec = r.recovery;
  rows.push(
    rec === undefined
      ? ['recovery after kill -9 of execution', 'not measured', '', '', '']
      : [
          `recovery after kill -9 of execution (${rec.inFlightAtKill} of ${rec.runs} runs in flight)`,
          `first commit ${rec.restartToFirstCommitS ?? '—'} s, all ended ${rec.restartToAllFinishedS ?? '—'} s after the restart; lost ${rec.lost}, duplicate step results ${rec.duplicates}`,
          '',
          `≤ ${TARGETS.recoverySeconds} s, 0 lost, 0 duplicates`,
          verdict(
            rec.restartToAllFinishedS !== null &&
              rec.restartToAllFinishedS <= TARGETS.recoverySeconds &&
              rec.lost === 0 &&
              rec.duplicates === 0,
          ),
        ],
  );
  return rows;
}

export function formatTable(rows: Row[]): string[] {
  const header: Row = ['figure', 'value', 'vs floor', 'target', ''];
  const all = [header, ...rows];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...all.map((row) => row[i].length)));
  return all.map((row) =>
    row
      .map((cell, i) => (i < 4 ? cell.padEnd(widths[i]) : cell))
      .join('  ')
      .trimEnd(),
  );
}
