/**
 * How far the projection has got in the stream, for read-your-writes: the highest stream sequence
 * written, held back below any message whose batch failed and will come again.
 */
export class AppliedSequence {
  private highest = 0;
  private readonly retrying = new Set<number>();
  private waiters: Array<{ seq: number; done: (reached: boolean) => void }> = [];

  get position(): number {
    if (this.retrying.size === 0) return this.highest;
    let lowest = Infinity;
    for (const seq of this.retrying) lowest = Math.min(lowest, seq);
    return Math.min(this.highest, lowest - 1);
  }

  /** These sequences are written (or deliberately skipped) and acked. */
  applied(seqs: readonly number[]): void {
    for (const seq of seqs) {
      this.retrying.delete(seq);
      if (seq > this.highest) this.highest = seq;
    }
    this.notify();
  }

  /** These sequences' batch failed; the server will deliver them again. */
  failed(seqs: readonly number[]): void {
    for (const seq of seqs) this.retrying.add(seq);
  }

  /** Starts over from `seq` (0 before a replay); waiters keep waiting for their sequence. */
  reset(seq: number): void {
    this.highest = seq;
    this.retrying.clear();
    this.notify();
  }

  /** Resolves true once `position >= seq`, false if `timeoutMs` passes first. */
  waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.position >= seq) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => settle(false), Math.max(0, timeoutMs));
      timer.unref();
      const waiter = {
        seq,
        done: (reached: boolean) => settle(reached),
      };
      const settle = (reached: boolean): void => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(reached);
      };
      this.waiters.push(waiter);
    });
  }

  /** Answers every waiter with false (shutdown). */
  cancelWaiters(): void {
    for (const waiter of [...this.waiters]) waiter.done(false);
  }

  private notify(): void {
    if (this.waiters.length === 0) return;
    const position = this.position;
    for (const waiter of this.waiters.filter((w) => w.seq <= position)) waiter.done(true);
  }
}
