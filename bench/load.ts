import { TERMINAL_STATUSES, type BenchApi } from './api';
import type { CpuPerRun } from './cpu';
import { sleep } from './server';
import { round, summarize, type Summary } from './stats';

/** How a client learns that its run ended. */
export type WaitMode = 'wait' | 'poll';

/** A client polls `GET /v1/runs/:id` this often, as the issue asks. */
const POLL_INTERVAL_MS = 5;
/** A run not over after this long counts as failed (instant agents end in milliseconds). */
const RUN_DEADLINE_MS = 60_000;

export interface LoadResult {
  runs: number;
  concurrency: number;
  mode: WaitMode;
  runsPerSecond: number;
  /** POST sent → the client knows the run ended. */
  latency: Summary;
  failed: number;
  /** Polling: POST sent → its 202 (the start command is queued), the part of the latency before the run. */
  accepted?: Summary;
  /** `?wait=true` answered 202 "running" (the server's wait limit passed): the client polled after. */
  waitTimeouts: number;
  /** `process.hrtime` (µs) at the start and end, to cut the matching window out of a CPU profile. */
  windowUs: [number, number];
  /** For the runs at concurrency: CPU ms per run of the server, this client, NATS and Postgres. */
  cpu?: CpuPerRun;
}

/** One run as a client sees it: start it, learn its end either way; the time and whether it succeeded. */
async function oneRun(
  api: BenchApi,
  workflow: string,
  mode: WaitMode,
  i: number,
): Promise<{ ms: number; acceptedMs: number; ok: boolean; waitTimeout: boolean }> {
  const t = performance.now();
  const started = await api.start(workflow, { user_input: `bench run ${i}` }, mode === 'wait');
  const acceptedMs = performance.now() - t;
  if (mode === 'wait' && started.httpStatus === 200) {
    return { ms: acceptedMs, acceptedMs, ok: started.status === 'succeeded', waitTimeout: false };
  }
  const status = await pollUntilTerminal(api, started.runId);
  return { ms: performance.now() - t, acceptedMs, ok: status === 'succeeded', waitTimeout: mode === 'wait' };
}

export async function pollUntilTerminal(api: BenchApi, runId: string): Promise<string> {
  const deadline = performance.now() + RUN_DEADLINE_MS;
  for (;;) {
    const run = await api.run(runId);
    if (run && TERMINAL_STATUSES.has(run.status)) return run.status;
    if (performance.now() > deadline) return 'deadline';
    await sleep(POLL_INTERVAL_MS);
  }
}

/** `count` runs of `workflow` by `concurrency` clients, each starting its next run when one ends. */
export async function drive(
  api: BenchApi,
  workflow: string,
  mode: WaitMode,
  count: number,
  concurrency: number,
): Promise<LoadResult> {
  let next = 0;
  let failed = 0;
  let waitTimeouts = 0;
  const latencies: number[] = [];
  const accepted: number[] = [];
  const startUs = hrtimeUs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const result = await oneRun(api, workflow, mode, next++);
        latencies.push(result.ms);
        accepted.push(result.acceptedMs);
        if (!result.ok) failed++;
        if (result.waitTimeout) waitTimeouts++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    runs: count,
    concurrency,
    mode,
    runsPerSecond: round(count / seconds, 1),
    latency: summarize(latencies),
    ...(mode === 'poll' ? { accepted: summarize(accepted) } : {}),
    failed,
    waitTimeouts,
    windowUs: [startUs, hrtimeUs()],
  };
}

/**
 * Runs of a 1-step and a 4-step workflow, one at a time and alternating (so drift in a noisy
 * machine hits both alike): the per-step overhead is (p50 of 4 steps − p50 of 1 step) / 3.
 */
export async function stepCost(
  api: BenchApi,
  oneStep: string,
  fourSteps: string,
  pairs: number,
  mode: WaitMode,
): Promise<{ oneStep: Summary; fourSteps: Summary; perStepP50Ms: number; perStepP99Ms: number }> {
  const one: number[] = [];
  const four: number[] = [];
  for (let i = 0; i < pairs; i++) {
    one.push((await oneRun(api, oneStep, mode, i)).ms);
    four.push((await oneRun(api, fourSteps, mode, i)).ms);
  }
  const oneStepSummary = summarize(one);
  const fourStepSummary = summarize(four);
  return {
    oneStep: oneStepSummary,
    fourSteps: fourStepSummary,
    perStepP50Ms: round((fourStepSummary.p50 - oneStepSummary.p50) / 3),
    perStepP99Ms: round((fourStepSummary.p99 - oneStepSummary.p99) / 3),
  };
}

export function hrtimeUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
