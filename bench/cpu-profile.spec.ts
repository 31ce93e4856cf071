import { formatProfileSummary, groupOf, summarizeProfile, type CpuProfile } from './cpu-profile';

const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/** Samples 1 ms apart from t = 1,000 µs: node ids in order. */
function profileOf(samples: number[]): CpuProfile {
  return {
    nodes: [
      { id: 1, callFrame: frame('(root)') },
      { id: 2, callFrame: frame('(idle)') },
      { id: 3, callFrame: frame('decide', 'file:///app/dist/libs/engine/src/decide.js', 9) },
      { id: 4, callFrame: frame('query', 'file:///app/node_modules/pg/lib/client.js', 99) },
      { id: 5, callFrame: frame('(garbage collector)') },
      { id: 6, callFrame: frame('emit', 'node:events', 4) },
      { id: 7, callFrame: frame('parse', 'file:///app/node_modules/@nestjs/core/router/x.js', 0) },
    ],
    startTime: 1_000,
    endTime: 1_000 + samples.length * 1_000,
    samples,
    timeDeltas: samples.map((_, i) => (i === 0 ? 0 : 1_000)),
  };
}

describe('summarizeProfile', () => {
  it('adds self time by function and by group, leaves idle out, and divides by the runs', () => {
    const summary = summarizeProfile(profileOf([3, 3, 4, 2, 2, 5, 6, 3]), 2);
    expect(summary.busyMs).toBe(6);
    expect(summary.busyMsPerRun).toBe(3);
    expect(summary.wholeProfile).toBe(false);
    expect(summary.byFunction[0]).toEqual({
      name: 'decide libs/engine/src/decide.js:10',
      selfMs: 3,
      msPerRun: 1.5,
      share: 0.5,
    });
    expect(summary.byGroup.map((g) => [g.name, g.selfMs])).toEqual([
      ['libs/engine', 3],
      ['pg', 1],
      ['(garbage collector)', 1],
      ['node:events', 1],
    ]);
  });

  it('keeps only the samples inside the window', () => {
    // Sample times: 1000, 2000, …; the window holds the 3rd to the 5th (3000..5000 µs).
    const summary = summarizeProfile(profileOf([3, 3, 4, 4, 7, 3, 3]), 1, { windowUs: [3_000, 5_000] });
    expect(summary.wholeProfile).toBe(false);
    expect(summary.busyMs).toBe(3);
    expect(summary.byGroup.map((g) => g.name)).toEqual(['pg', '@nestjs/core']);
  });

  it('falls back to the whole profile when the window misses it', () => {
    const summary = summarizeProfile(profileOf([3, 4]), 1, { windowUs: [50_000, 60_000] });
    expect(summary.wholeProfile).toBe(true);
    expect(summary.busyMs).toBe(2);
  });

  it('cuts the lists at `top`', () => {
    const summary = summarizeProfile(profileOf([3, 4, 5, 6, 7]), 1, { top: 2 });
    expect(summary.byFunction).toHaveLength(2);
    expect(summary.byGroup).toHaveLength(2);
  });
});

describe('groupOf', () => {
  it.each([
    ['file:///x/node_modules/nats/lib/a.js', '', 'nats'],
    ['file:///x/node_modules/a/node_modules/@nestjs/core/b.js', '', '@nestjs/core'],
    ['file:///x/dist/services/execution/step-runner.js', '', 'services/execution'],
    ['file:///home/me/chainmail/dist/libs/engine/src/decide.js', '', 'libs/engine'],
    ['file:///x/dist/main.js', '', 'main.js'],
    ['node:internal/streams/readable', '', 'node:internal/streams'],
    ['node:net', '', 'node:net'],
    ['', '(program)', '(program)'],
    ['', 'someNative', '(native)'],
    ['file:///x/other/thing.js', '', 'thing.js'],
  ])('%s %s → %s', (url, fn, group) => {
    expect(groupOf(url, fn)).toBe(group);
  });
});

describe('formatProfileSummary', () => {
  it('prints the busy time per run, then both lists', () => {
    const lines = formatProfileSummary(summarizeProfile(profileOf([3, 4]), 2), 2);
    expect(lines[0]).toContain('1 ms/run');
    expect(lines).toContainEqual(expect.stringContaining('libs/engine'));
    expect(lines).toContainEqual(expect.stringContaining('query pg/lib/client.js:100'));
  });
});
