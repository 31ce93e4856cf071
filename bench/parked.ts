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
  rssBeforeMb: number;
  rssAfterMb: number;
  /**
   * Resident memory added. It overstates what parked runs hold: V8 keeps the heap it grew to while
   * the runs were started (RSS does not shrink when garbage is collected), and so do the allocators.
   */
  addedRssMb: number;
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

/** Parked = still running, its first step done and the checkpoint reached (a second step opened). */
export function isParked(run: RunView): boolean {
  return run.status === 'running' && run.stepsSucceeded >= 1 && run.stepsTotal >= 2;
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
  const heapBefore = await options.heap();
  const before = await memoryOf(pid);
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
    const parked = (await api.listAll(workflow, 'running')).filter(isParked).length;
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
  const after = await memoryOf(pid);
  // After the idle window: a full collection is work, and would count as idle CPU.
  const heapAfter = await options.heap();
  const addedHeapMb = heapAfter.heapUsedMb - heapBefore.heapUsedMb;
  return {
    runs,
    startSeconds: round(startSeconds, 1),
    allParkedSeconds: round(allParkedSeconds, 1),
    rssBeforeMb: before.rssMb,
    rssAfterMb: after.rssMb,
    addedRssMb: round(after.rssMb - before.rssMb, 1),
    heapBeforeMb: heapBefore.heapUsedMb,
    heapAfterMb: heapAfter.heapUsedMb,
    addedHeapMb: round(addedHeapMb, 1),
    heapPerRunKb: round((addedHeapMb * 1024) / runs, 2),
    idleCpuMs: round(idleCpuMs, 0),
    idleSeconds: round(idleSeconds, 1),
    idleCpuShare: round(idleCpuMs / 1000 / idleSeconds, 4),
  };
}
