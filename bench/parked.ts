import type { BenchApi, RunView } from './api';
import type { HeapAnswer } from './heap-probe';
import { cpuMsOf, memoryOf, settle, sleep } from './server';
import { round } from './stats';

export interface ParkedResult {
  runs: number;
  /** Starting them, at the pace the server answers (`concurrency` requests in flight). */
  startSeconds: number;
  /** From the first start until the read models list every run as waiting at the checkpoint. */
  allParkedSeconds: number;
  /**
   * Resident memory before and after, each once the process is idle, fully collected (unused heap
   * pages returned) and its RSS stopped falling: right after the burst of starts V8 still holds
   * the heap it grew to, which no parked run holds.
   */
  rssBeforeMb: number;
  rssAfterMb: number;
  addedRssMb: number;
  /** Resident memory as soon as every run was parked and the process idle, before any of that. */
  rssJustParkedMb: number;
  /** JavaScript heap in use after a full garbage collection, before and after: what is really held. */
  heapBeforeMb: number;
  heapAfterMb: number;
  addedHeapMb: number;
  /** addedHeapMb per parked run. */
  heapPerRunKb: number;
  /** CPU the process used while idle with every run parked, over `idleSeconds`. */
  idleCpuMs: number;
  idleSeconds: number;
  /** idleCpuMs as a share of one core. */
  idleCpuShare: number;
}

/** Parked = waiting at the checkpoint, its first step done. */
export function isParked(run: RunView): boolean {
  return run.status === 'waiting' && run.stepsSucceeded >= 1 && run.stepsTotal >= 2;
}

/**
 * "Waiting is free": starts `runs` runs of a workflow that parks at a checkpoint, waits until the
 * read models show all of them parked, then compares RSS with before and measures idle CPU.
 */
export async function measureParked(
  api: BenchApi,
  pid: number,
  workflow: string,
  runs: number,
  options: {
    concurrency: number;
    idleSeconds: number;
    log: (line: string) => void;
    heap: () => Promise<HeapAnswer>;
  },
): Promise<ParkedResult> {
  await settle(pid);
  const before = await settledMemory(pid, options.heap);
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < runs) {
        const i = next++;
        await api.start(workflow, { user_input: `parked ${i}` });
      }
    }),
  );
  const startSeconds = (performance.now() - t0) / 1000;
  options.log(`  ${runs} started in ${startSeconds.toFixed(1)} s; waiting until all are parked…`);
  const deadline = performance.now() + 10 * 60_000;
  for (;;) {
    const parked = (await api.listAll(workflow, 'waiting')).filter(isParked).length;
    if (parked >= runs) break;
    if (performance.now() > deadline)
      throw new Error(`only ${parked} of ${runs} runs parked within 10 minutes`);
    await sleep(1000);
  }
  const allParkedSeconds = (performance.now() - t0) / 1000;
  // Let the last batches, timers and garbage collection finish before calling it idle.
  await settle(pid);
  const cpu0 = await cpuMsOf(pid);
  const idleStart = performance.now();
  await sleep(options.idleSeconds * 1000);
  const idleCpuMs = (await cpuMsOf(pid)) - cpu0;
  const idleSeconds = (performance.now() - idleStart) / 1000;
  const justParked = await memoryOf(pid);
  // After the idle window: a full collection is work, and would count as idle CPU.
  const after = await settledMemory(pid, options.heap);
  const addedHeapMb = after.heapUsedMb - before.heapUsedMb;
  return {
    runs,
    startSeconds: round(startSeconds, 1),
    allParkedSeconds: round(allParkedSeconds, 1),
    rssBeforeMb: before.rssMb,
    rssAfterMb: after.rssMb,
    addedRssMb: round(after.rssMb - before.rssMb, 1),
    rssJustParkedMb: justParked.rssMb,
    heapBeforeMb: before.heapUsedMb,
    heapAfterMb: after.heapUsedMb,
    addedHeapMb: round(addedHeapMb, 1),
    heapPerRunKb: round((addedHeapMb * 1024) / runs, 2),
    idleCpuMs: round(idleCpuMs, 0),
    idleSeconds: round(idleSeconds, 1),
    idleCpuShare: round(idleCpuMs / 1000 / idleSeconds, 4),
  };
}

/**
 * Heap in use and RSS once the process is fully collected and its RSS stopped falling. V8 gives
 * back the heap it grew to during the starts only over a few collections while idle (measured
 * after parking 10,000 runs: 303 MB, 252 MB after one full collection, 184 MB steady for 20 s,
 * 153 MB after another, the same as before parking): collect, wait, read, until a round frees
 * less than 1 MB, at most 8 rounds.
 */
async function settledMemory(
  pid: number,
  heap: () => Promise<HeapAnswer>,
): Promise<{ rssMb: number; heapUsedMb: number }> {
  let settled = { rssMb: Number.POSITIVE_INFINITY, heapUsedMb: 0 };
  for (let round = 0; round < 8; round++) {
    const { heapUsedMb } = await heap();
    await sleep(3000); // freed pages are unmapped by a background thread
    const { rssMb } = await memoryOf(pid);
    const freed = settled.rssMb - rssMb;
    settled = { rssMb: Math.min(rssMb, settled.rssMb), heapUsedMb };
    if (freed < 1) break;
  }
  return settled;
}
