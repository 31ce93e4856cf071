import { TERMINAL_RUN_EVENTS } from '@chainmail/contracts';
import type { RunCommit, RunEvent } from '@chainmail/contracts';
import { decodeRunCommit, EVENTS_HEADER, subscribeWithEcho, type EventLogNames } from '@chainmail/event-log';
import { runEndOf, type RunEnd } from '@chainmail/persistence';
import type { Msg, NatsConnection } from 'nats';

export type RunEndListener = (end: RunEnd) => void;

/** Ends kept for listeners that come a moment late (the run ended while its request got ready). */
const RECENT_ENDS = 1_000;
const RECENT_MS = 5_000;

/**
 * The ends of runs as the log stores them, for requests that wait for one (`?wait=true`, sync
 * mode): one core NATS subscription per process on the announcements writers make once their
 * append is acknowledged (`run-ends.*`), instead of a JetStream consumer created and deleted per
 * waiting request. (Not the run subjects themselves: a core subscriber there also hears an append
 * the stream refused, the end of a writer that lost the race for the run.) Only commits whose
 * `Chainmail-Events` header names a terminal event are decoded. The newest ends are kept, so a listener that starts just
 * after its run ended still hears of it. Core delivery is at most once, so a waiter also asks the
 * read model (see RunOutcomeWaiter). Ends appended in this process over the same connection are
 * heard in-process as the log acknowledges them, and their copies from the server skipped.
 */
export class RunEndFeed {
  private readonly listeners = new Map<string, Set<RunEndListener>>();
  private readonly recent = new Map<string, { end: RunEnd; at: number }>();
  private readonly stop: () => void;

  constructor(nc: NatsConnection, names: EventLogNames) {
    this.stop = subscribeWithEcho(
      nc,
      names.runEndSubjects,
      (msg) => this.receive(msg),
      (_subject, commit: RunCommit) => this.heard(commit.runId, commit.events),
    );
  }

  /** Calls `listener` once the run ends (at once if it just did); the function it returns stops listening. */
  listen(runId: string, listener: RunEndListener): () => void {
    const ended = this.recent.get(runId)?.end;
    if (ended !== undefined) {
      queueMicrotask(() => listener(ended));
      return () => undefined;
    }
    const set = this.listeners.get(runId) ?? new Set<RunEndListener>();
    set.add(listener);
    this.listeners.set(runId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(runId) === set) this.listeners.delete(runId);
    };
  }

  /** Nest calls it at shutdown. */
  onApplicationShutdown(): void {
    this.stop();
  }

  private receive(msg: Msg): void {
    const types = msg.headers?.get(EVENTS_HEADER);
    if (types && !types.split(',').some((type) => TERMINAL_RUN_EVENTS.has(type as never))) return;
    let events: readonly RunEvent[];
    try {
      events = decodeRunCommit(msg.data, 0).events;
    } catch {
      return; // not a commit: nothing to tell
    }
    this.heard(msg.subject.slice(msg.subject.lastIndexOf('.') + 1), events);
  }

  private heard(runId: string, events: readonly RunEvent[]): void {
    let end: RunEnd | undefined;
    for (const event of events) end ??= runEndOf(event);
    if (end === undefined) return;
    this.remember(runId, end);
    const waiting = this.listeners.get(runId);
    if (waiting !== undefined) for (const listener of [...waiting]) listener(end);
  }

  /** Kept a few seconds, a bounded number: outputs can be large. */
  private remember(runId: string, end: RunEnd): void {
    const now = Date.now();
    this.recent.set(runId, { end, at: now });
    for (const [oldest, { at }] of this.recent) {
      if (this.recent.size <= RECENT_ENDS && now - at <= RECENT_MS) break;
      this.recent.delete(oldest);
    }
  }
}
