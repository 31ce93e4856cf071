import { useCallback, useEffect, useRef, useState } from 'react';
import { session } from './session';
import type { Loaded } from './use-api';

/**
 * Live views without a reload. `useLivePoll` polls while the tab is visible, backing off while
 * nothing changes and coming back to its quick pace as soon as something does; a hidden tab asks
 * nothing and reloads when shown again. `useRunStream` follows one run's log as server-sent
 * events, so its page reloads on each commit instead of on a timer.
 */

export interface LivePace {
  /** The period while things change. */
  fastMs: number;
  /** The longest period it backs off to while nothing changes. */
  slowMs: number;
}

export function useLivePoll<T>(load: () => Promise<T>, key: unknown[], pace: LivePace): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last: string | undefined;
    let periodMs = pace.fastMs;
    const schedule = (): void => {
      if (!stopped && !document.hidden) timer = setTimeout(() => void run(), periodMs);
    };
    const run = async (): Promise<void> => {
      timer = undefined;
      try {
        const data = await loadRef.current();
        if (stopped) return;
        const seen = JSON.stringify(data);
        periodMs = seen === last ? Math.min(periodMs * 2, pace.slowMs) : pace.fastMs;
        last = seen;
        setState({ data, loading: false });
      } catch (error) {
        if (stopped) return;
        periodMs = Math.min(periodMs * 2, pace.slowMs);
        setState((s) => ({ data: s.data, error: error as Error, loading: false }));
      }
      schedule();
    };
    const onVisibility = (): void => {
      if (document.hidden || timer !== undefined) return;
      periodMs = pace.fastMs;
      void run();
    };
    document.addEventListener('visibilitychange', onVisibility);
    void run();
    return () => {
      stopped = true;
      document.removeEventListener('visibilitychange', onVisibility);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [...key, tick, pace.fastMs, pace.slowMs]);
  return { ...state, reload };
}

export interface RunStream {
  /** The sequence of the newest commit seen on the stream (0 before any). */
  seq: number;
  /** Whether the stream is open: while it is not, the page polls instead. */
  connected: boolean;
}

/**
 * `GET /v1/runs/:id/events` as `text/event-stream` (fetched, since EventSource cannot send the
 * token): each event's `id` is its commit's sequence. The server ends the stream when the run
 * ends; a refused or dropped stream leaves `connected` false.
 */
export function useRunStream(runId: string, enabled: boolean): RunStream {
  const [stream, setStream] = useState<RunStream>({ seq: 0, connected: false });
  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    const opened = (): void => setStream((s) => ({ ...s, connected: true }));
    void follow(runId, abort.signal, opened, (seq) => setStream({ seq, connected: true }))
      .catch(() => undefined)
      .finally(() => {
        if (!abort.signal.aborted) setStream((s) => ({ ...s, connected: false }));
      });
    return () => abort.abort();
  }, [runId, enabled]);
  return stream;
}

/** Reads the stream to its end, calling `onSeq` with the newest sequence of each chunk (nothing when refused). */
async function follow(
  runId: string,
  signal: AbortSignal,
  onOpen: () => void,
  onSeq: (seq: number) => void,
): Promise<void> {
  const headers: Record<string, string> = { accept: 'text/event-stream' };
  const token = session.token();
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`/v1/runs/${encodeURIComponent(runId)}/events`, { headers, signal });
  if (!response.ok || response.body === null) return;
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    const frames = buffer.split('\n\n');
    buffer = frames.pop() ?? '';
    const seqs = frames.map(frameId).filter((seq): seq is number => seq !== undefined);
    if (seqs.length > 0) onSeq(Math.max(...seqs));
  }
}

function frameId(frame: string): number | undefined {
  const line = frame.split('\n').find((l) => l.startsWith('id: '));
  const seq = line === undefined ? NaN : Number(line.slice(4));
  return Number.isFinite(seq) ? seq : undefined;
}
