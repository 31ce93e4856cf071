/** A fold's position in a stream, and the callers waiting for it to reach a sequence. */
export class SequenceWaiters {
  private position = 0;
  private waiting: { seq: number; resolve: () => void }[] = [];

  constructor(private readonly what: string) {}

  get applied(): number {
    return this.position;
  }

  reached(seq: number): void {
    if (seq <= this.position) return;
    this.position = seq;
    if (this.waiting.length === 0) return;
    const ready = this.waiting.filter((w) => w.seq <= seq);
    this.waiting = this.waiting.filter((w) => w.seq > seq);
    for (const w of ready) w.resolve();
  }

  waitFor(seq: number, timeoutMs: number): Promise<void> {
    if (this.position >= seq) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== waiter);
        reject(new Error(`${this.what} did not reach sequence ${seq} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.push(waiter);
    });
  }
}
