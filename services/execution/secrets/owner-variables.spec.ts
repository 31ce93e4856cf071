import { OwnerVariables } from './owner-variables';

/** A store whose values can change, counting reads; `hold()` makes the next read wait for `release()`. */
function store() {
  let values: Record<string, Record<string, unknown>> = { 'team:a': { region: 'eu' } };
  let reads = 0;
  let held: ((v: Record<string, unknown>) => void) | undefined;
  let holdNext = false;
  let failNext = false;
  return {
    valuesOf: (owner: string): Promise<Record<string, unknown>> => {
      reads++;
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('database gone'));
      }
      const now = values[owner] ?? {};
      if (!holdNext) return Promise.resolve(now);
      holdNext = false;
      return new Promise((resolve) => (held = () => resolve(now)));
    },
    set: (owner: string, v: Record<string, unknown>) => (values = { ...values, [owner]: v }),
    reads: () => reads,
    hold: () => (holdNext = true),
    release: () => held?.({}),
    failNext: () => (failNext = true),
  };
}

describe('OwnerVariables', () => {
  it('reads an owner once while nothing changes, each owner on its own', async () => {
    const s = store();
    const vars = new OwnerVariables(s, () => 0);
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'eu' });
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'eu' });
    expect(await vars.valuesOf('team:b')).toEqual({});
    expect(s.reads()).toBe(2);
  });

  it('reads again once a change is announced', async () => {
    const s = store();
    const vars = new OwnerVariables(s, () => 0);
    await vars.valuesOf('team:a');
    s.set('team:a', { region: 'us' });
    vars.changed();
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'us' });
    expect(s.reads()).toBe(2);
  });

  it('reads again past its age even with no announcement (one may be lost)', async () => {
    const s = store();
    let now = 0;
    const vars = new OwnerVariables(s, () => now, 1_000);
    await vars.valuesOf('team:a');
    s.set('team:a', { region: 'us' });
    now = 999;
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'eu' });
    now = 1_000;
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'us' });
  });

  it('does not give a read that a change overtook to starts that come after the change', async () => {
    const s = store();
    const vars = new OwnerVariables(s, () => 0);
    s.hold();
    const before = vars.valuesOf('team:a');
    s.set('team:a', { region: 'us' });
    vars.changed();
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'us' });
    s.release();
    await before;
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'us' });
    expect(s.reads()).toBe(2);
  });

  it('keeps no failed read', async () => {
    const s = store();
    const vars = new OwnerVariables(s, () => 0);
    s.failNext();
    await expect(vars.valuesOf('team:a')).rejects.toThrow('database gone');
    expect(await vars.valuesOf('team:a')).toEqual({ region: 'eu' });
  });
});
