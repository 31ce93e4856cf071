/**
 * Loaded into the Chainmail process under measurement (`node --expose-gc -r …`): asked over the
 * IPC channel, it collects garbage fully and answers the heap in use. RSS alone misleads: V8 keeps
 * the heap it grew to during a burst of work, so RSS after the burst says little of what is held.
 */

export interface HeapAnswer {
  type: 'heap';
  heapUsedMb: number;
  /** What V8 keeps for its heap, used or not. */
  heapTotalMb: number;
  /** Resident memory right after the collection. */
  rssMb: number;
  externalMb: number;
  arrayBuffersMb: number;
}

const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

if (process.send) {
  process.on('message', (message: unknown) => {
    if ((message as { type?: string } | undefined)?.type !== 'heap') return;
    // Twice: what the first collection moves out of the young generation, the second frees.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const answer: HeapAnswer = {
      type: 'heap',
      heapUsedMb: mb(m.heapUsed),
      heapTotalMb: mb(m.heapTotal),
      rssMb: mb(m.rss),
      externalMb: mb(m.external),
      arrayBuffersMb: mb(m.arrayBuffers),
    };
    process.send?.(answer);
  });
  // The channel must not keep the process alive, nor change how it shuts down.
  process.channel?.unref();
}
