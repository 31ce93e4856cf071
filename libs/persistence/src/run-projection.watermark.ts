import { publishWithEcho, subscribeWithEcho } from '@chainmail/event-log';
import type { NatsConnection } from 'nats';
import type { ProjectionBatch } from './run-projection';

/**
 * Core NATS subject (namespaced like the streams) on which the projector says, after each batch
 * it committed, which runs it wrote and up to which stream sequence.
 */
export const PROJECTION_APPLIED_SUBJECT = 'projector.applied';

/** The message on `PROJECTION_APPLIED_SUBJECT`: run id → stream sequence of its newest commit now in the views. */
export interface ProjectionApplied {
  runs: Record<string, number>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeProjectionApplied(batch: Pick<ProjectionBatch, 'runs'>): Uint8Array {
  return encoder.encode(JSON.stringify(projectionApplied(batch)));
}

function projectionApplied(batch: Pick<ProjectionBatch, 'runs'>): ProjectionApplied {
  const runs: Record<string, number> = {};
  for (const run of batch.runs) runs[run.id] = run.lastSeq;
  return { runs };
}

/**
 * Announces a written batch on `subject` (the namespaced `PROJECTION_APPLIED_SUBJECT`) to every
 * process, and at once to the watermarks on the same connection in this one.
 */
export function announceProjectionApplied(
  nc: NatsConnection,
  subject: string,
  batch: Pick<ProjectionBatch, 'runs'>,
): void {
  const applied = projectionApplied(batch);
  publishWithEcho(nc, subject, encoder.encode(JSON.stringify(applied)), applied);
}

function decodeProjectionApplied(data: Uint8Array): ProjectionApplied | undefined {
  try {
    const value = JSON.parse(decoder.decode(data)) as Partial<ProjectionApplied>;
    return typeof value.runs === 'object' && value.runs !== null ? { runs: value.runs } : undefined;
  } catch {
    return undefined;
  }
}

interface Waiter {
  minSeq: number;
  /** Called with the run's announced sequence (undefined: woken for another reason). */
  done: (seq?: number) => void;
}

/**
 * Read-your-writes on the run views: waits until the projector has written a run up to a stream
 * sequence. Listens to the projector's announcements (one subscription per process) and checks
 * Postgres before waiting and once more at the deadline, so a lost announcement (core NATS is
 * at most once) costs the wait, never a wrong answer. No polling. A batch the projector wrote in
 * this process, over the same connection, is heard at once (`announceProjectionApplied`).
 */
export class ProjectionWatermark {
  private unsubscribe?: () => void;
  private readonly waiters = new Map<string, Set<Waiter>>();
  private readonly listeners = new Set<(applied: ProjectionApplied) => void>();

  constructor(
    private readonly nc: NatsConnection,
    /** The namespaced `PROJECTION_APPLIED_SUBJECT`. */
    private readonly subject: string,
    /** The run's sequence in the views (0 when they do not have it). */
    private readonly viewSequence: (runId: string) => Promise<number>,
  ) {
    // At once, so the subscription is in place at the server before the first wait needs it.
    this.listen();
  }

  /**
   * Resolves true once the views hold `runId` at `minSeq` or later (1: the run at all), false when
   * `timeoutMs` passes (or `signal` aborts) first. `minSeq` ≤ 0 is reached at once.
   */
  async waitForRun(runId: string, minSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (minSeq <= 0) return true;
    return this.waitUntil(runId, async () => (await this.viewSequence(runId)) >= minSeq, timeoutMs, {
      minSeq,
      signal,
    });
  }

  /**
   * Resolves true once `ready()` (a read of the views) holds, checked now, after each batch the
   * projector writes for `runId`, and at the deadline; false when it never did. With `minSeq`, an
   * announcement at `minSeq` or later is itself the answer (no read needed).
   */
  async waitUntil(
    runId: string,
    ready: () => Promise<boolean>,
    timeoutMs: number,
    options: { minSeq?: number; signal?: AbortSignal } = {},
  ): Promise<boolean> {
    const { signal } = options;
    // A wake-up that comes while `ready()` is being read is kept for the next turn.
    let woken = false;
    let reached = false;
    let wake: () => void = () => undefined;
    const waiter: Waiter = {
      minSeq: options.minSeq ?? 0,
      done: (seq) => {
        if (seq !== undefined && options.minSeq !== undefined && seq >= options.minSeq) reached = true;
        woken = true;
        wake();
      },
    };
    // Listening before the first read: a batch written between the read and the wait is not missed.
    this.add(runId, waiter);
    let timer: NodeJS.Timeout | undefined;
    let expired = timeoutMs <= 0 || signal?.aborted === true;
    const onAbort = (): void => {
      expired = true;
      waiter.done();
    };
    signal?.addEventListener('abort', onAbort);
    try {
      if (await ready()) return true;
      if (expired) return false;
      timer = setTimeout(onAbort, timeoutMs);
      for (;;) {
        if (!woken) await new Promise<void>((resolve) => (wake = resolve));
        woken = false;
        if (reached) return true;
        // The deadline's own read catches a lost announcement.
        if (await ready()) return true;
        if (expired) return false;
      }
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      this.remove(runId, waiter);
    }
  }

  /**
   * Calls `listener` with each announcement heard (the runs a batch wrote), until the returned
   * function is called. At most once: a lost announcement is never heard.
   */
  onApplied(listener: (applied: ProjectionApplied) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops listening; waiters still end at their deadline with a Postgres check. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private listen(): void {
    if (this.unsubscribe || this.nc.isClosed()) return;
    this.unsubscribe = subscribeWithEcho(
      this.nc,
      this.subject,
      (msg) => {
        const applied = decodeProjectionApplied(msg.data);
        if (applied) this.announce(applied);
      },
      (_subject, applied: ProjectionApplied) => this.announce(applied),
    );
  }

  private announce(applied: ProjectionApplied): void {
    for (const listener of this.listeners) listener(applied);
    for (const [runId, seq] of Object.entries(applied.runs)) {
      const waiting = this.waiters.get(runId);
      if (!waiting) continue;
      for (const waiter of waiting) if (seq >= waiter.minSeq) waiter.done(seq);
    }
  }

  private add(runId: string, waiter: Waiter): void {
    let waiting = this.waiters.get(runId);
    if (!waiting) this.waiters.set(runId, (waiting = new Set()));
    waiting.add(waiter);
  }

  private remove(runId: string, waiter: Waiter): void {
    const waiting = this.waiters.get(runId);
    waiting?.delete(waiter);
    if (waiting?.size === 0) this.waiters.delete(runId);
  }
}
