import { describe, expect, it } from 'vitest';
import { runTracked, type ActionState } from './use-action';

/** The state a component holds, changed the way the hooks change it. */
function tracker<K>(initial: ActionState<K> = { busy: undefined, error: undefined }) {
  const state = { ...initial };
  const update = (change: Partial<ActionState<K>>): void => void Object.assign(state, change);
  return { state, update };
}

/** A promise settled from outside, to look at the state while the action waits. */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void } {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('an action run by useAction or useKeyedAction', () => {
  it('is busy under its key while it runs, then not, and resolves true when it succeeded', async () => {
    const { state, update } = tracker<string>();
    const wait = deferred();
    const done = runTracked('schedule-1', () => wait.promise, update);
    expect(state).toEqual({ busy: 'schedule-1', error: undefined });
    wait.resolve();
    await expect(done).resolves.toBe(true);
    expect(state).toEqual({ busy: undefined, error: undefined });
  });

  it('keeps what it threw for the page to show, no longer busy, and resolves false', async () => {
    const { state, update } = tracker<true>();
    const refused = new Error('the server refused it');
    await expect(runTracked(true, () => Promise.reject(refused), update)).resolves.toBe(false);
    expect(state).toEqual({ busy: undefined, error: refused });
  });

  it("clears the last action's error as the next one starts", async () => {
    const { state, update } = tracker<true>({ busy: undefined, error: new Error('earlier') });
    const wait = deferred();
    const done = runTracked(true, () => wait.promise, update);
    expect(state.error).toBeUndefined();
    const again = new Error('again');
    wait.reject(again);
    await expect(done).resolves.toBe(false);
    expect(state.error).toBe(again);
  });

  it('reports a throw before the first await as a failure, not as an exception', async () => {
    const { state, update } = tracker<true>();
    const broken = (): Promise<void> => {
      throw new Error('no such run');
    };
    await expect(runTracked(true, broken, update)).resolves.toBe(false);
    expect(state.error?.message).toBe('no such run');
  });
});
