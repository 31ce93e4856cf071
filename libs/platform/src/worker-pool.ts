import { existsSync } from 'node:fs';
import { ChainmailError } from '@chainmail/contracts';
import { Piscina } from 'piscina';

/**
 * A CPU-heavy function that can run on a worker thread: the module file that exports it (as
 * `name`) and the same function for running inline. Declared beside the function, with the
 * module's own `__filename`.
 */
export interface WorkerJob<T, R> {
  filename: string;
  name: string;
  inline: (task: T) => R | Promise<R>;
  /** For messages: "checking the definition", "reading the mail". */
  what: string;
}

export interface WorkerPoolOptions {
  /** Threads at most; they start on the first task and stop after `idleMs` without one. */
  threads: number;
  /** Tasks waiting for a thread at most; past it a task is refused at once (503). */
  queue: number;
  /** A task still running after this is aborted (its thread is terminated). */
  timeoutMs: number;
  idleMs: number;
  /** Heap of one thread; a task that needs more fails instead of swelling the process. */
  maxHeapMb: number;
}

export const DEFAULT_WORKER_POOL: WorkerPoolOptions = {
  threads: 2,
  queue: 64,
  timeoutMs: 5_000,
  idleMs: 30_000,
  maxHeapMb: 256,
};

/** The task ran past the pool's time budget and was aborted. */
export class WorkerTimeout extends Error {
  override readonly name = 'WorkerTimeout';
}

/**
 * Runs parsing and validation of untrusted input (definitions, mail) off the event loop that
 * serves every other request, on a small pool of worker threads (piscina): bounded in threads,
 * in queued tasks and in time per task.
 *
 * Workers load compiled JavaScript. Where a job's module is not JavaScript (TypeScript run by
 * jest) the job runs inline, with the same code and the same answers, but without the thread
 * or the time budget: tests of the rules need neither, and the end-to-end tests run `dist`.
 */
export class WorkerPool {
  private pool?: Piscina;
  /** Tasks on a thread now, and those waiting for one (FIFO). */
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: WorkerPoolOptions = DEFAULT_WORKER_POOL) {}

  /** Whether `job` runs on a thread (its compiled module exists) rather than inline. */
  static threaded(job: { filename: string }): boolean {
    return job.filename.endsWith('.js') && existsSync(job.filename);
  }

  async run<T, R>(job: WorkerJob<T, R>, task: T): Promise<R> {
    if (!WorkerPool.threaded(job)) return job.inline(task);
    await this.slot(job.what);
    try {
      // The budget starts when the task does: waiting for a thread is not the input's fault.
      const signal = AbortSignal.timeout(this.options.timeoutMs);
      try {
        return (await this.started().run(task, { filename: job.filename, name: job.name, signal })) as R;
      } catch (err) {
        if (signal.aborted)
          throw new WorkerTimeout(
            `${job.what} took longer than ${this.options.timeoutMs} ms and was stopped`,
          );
        if (isQueueFull(err)) throw busy(job.what);
        throw err;
      }
    } finally {
      // The slot goes straight to the next waiting task, if any.
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.running--;
    }
  }

  /** A thread for one task, at once or after the tasks queued before it; refused past the queue bound. */
  private async slot(what: string): Promise<void> {
    if (this.running < this.options.threads) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.options.queue) throw busy(what);
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  /** Threads running now (0 until the first task, and again after `idleMs` without one). */
  get threads(): number {
    return this.pool?.threads.length ?? 0;
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.destroy();
  }

  private started(): Piscina {
    this.pool ??= new Piscina({
      minThreads: 0,
      maxThreads: this.options.threads,
      maxQueue: this.options.queue,
      idleTimeout: this.options.idleMs,
      resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb },
    });
    return this.pool;
  }
}

function busy(what: string): ChainmailError {
  return new ChainmailError(
    'UNAVAILABLE',
    `Too many requests are waiting for ${what}; try again in a moment.`,
  );
}

function isQueueFull(err: unknown): boolean {
  return err instanceof Error && /queue is at limit/i.test(err.message);
}
