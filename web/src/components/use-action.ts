import { useCallback, useState, type FormEvent } from 'react';

/** An action in progress and the last one's failure: what a button or form shows while it waits. */
export interface ActionState<K> {
  /** The key of the action running (a row's id), undefined when none is. */
  busy: K | undefined;
  /** What the last action threw, cleared when the next one starts. */
  error: Error | undefined;
}

/**
 * Runs `action` under `key`: busy (and the last error cleared) while it runs, then not busy, with
 * its error when it threw. Resolves true when the action succeeded, for a caller that goes on.
 * The state lives with the caller (`update` merges a change into it), so this is the whole
 * behaviour of the hooks below, testable without rendering.
 */
export async function runTracked<K>(
  key: K,
  action: () => Promise<unknown>,
  update: (change: Partial<ActionState<K>>) => void,
): Promise<boolean> {
  update({ busy: key, error: undefined });
  try {
    await action();
    update({ busy: undefined });
    return true;
  } catch (err) {
    update({ busy: undefined, error: err as Error });
    return false;
  }
}

/**
 * Actions told apart by a key, such as a table's per-row buttons: `busy` is the key of the one
 * running (its button waits), `error` what the last one threw. One runs at a time, as one shared
 * error line suggests.
 */
export function useKeyedAction<K>(): ActionState<K> & {
  run: (key: K, action: () => Promise<unknown>) => Promise<boolean>;
} {
  const [state, setState] = useState<ActionState<K>>({ busy: undefined, error: undefined });
  const run = useCallback(
    (key: K, action: () => Promise<unknown>) =>
      runTracked(key, action, (change) => setState((current) => ({ ...current, ...change }))),
    [],
  );
  return { ...state, run };
}

/**
 * A button's action: `busy` while it runs (the buttons wait), and the error it threw, cleared at
 * the next try, for the panel to show. `run` resolves true when the action succeeded.
 */
export function useAction(): {
  busy: boolean;
  error: Error | undefined;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
} {
  const { busy, error, run } = useKeyedAction<true>();
  const runUnkeyed = useCallback((action: () => Promise<unknown>) => run(true, action), [run]);
  return { busy: busy === true, error, run: runUnkeyed };
}

/**
 * A form's submit: `busy` while `action` runs (the submit button waits), and the error it threw,
 * cleared at the next try, for the form to show beside its fields.
 */
export function useFormAction(action: () => Promise<void>): {
  busy: boolean;
  error: Error | undefined;
  submit: (event: FormEvent) => void;
} {
  const { busy, error, run } = useAction();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    void run(action);
  };
  return { busy, error, submit };
}
