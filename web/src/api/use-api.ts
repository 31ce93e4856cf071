import { useCallback, useEffect, useRef, useState } from 'react';

export interface Loaded<T> {
  data?: T;
  error?: Error;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads with `load` when `key` changes; with `everyMs`, again on that period (live views) while
 * the tab is visible and `keepPolling(data)` says so.
 */
export function useApi<T>(
  load: () => Promise<T>,
  key: unknown[],
  everyMs?: number,
  keepPolling: (data: T | undefined) => boolean = () => true,
): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  const keepRef = useRef(keepPolling);
  keepRef.current = keepPolling;
  const reload = useCallback(() => setTick((t) => t + 1), []);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async (): Promise<void> => {
      let data: T | undefined;
      try {
        data = await loadRef.current();
        if (!stopped) setState({ data, loading: false });
      } catch (error) {
        if (!stopped) setState((s) => ({ data: s.data, error: error as Error, loading: false }));
      }
      if (!stopped && everyMs !== undefined && keepRef.current(data)) timer = setTimeout(run, everyMs);
    };
    void run();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [...key, tick, everyMs]);
  return { ...state, reload };
}
