import { OptionsError, parseOptions, PHASES } from './options';

describe('parseOptions', () => {
  it('runs every phase with the full counts by default', () => {
    const options = parseOptions([]);
    expect([...options.phases]).toEqual([...PHASES]);
    expect(options.quick).toBe(false);
    expect(options.counts.parkedRuns).toBe(10_000);
    expect(options.counts.rebuildEvents).toBeGreaterThanOrEqual(100_000);
  });

  it('takes --quick, --only, --profile and --out', () => {
    const options = parseOptions(['--quick', '--only', 'wait, poll', '--profile', 'prof', '--out', 'x.json']);
    expect(options.quick).toBe(true);
    expect(options.counts.parkedRuns).toBeLessThan(10_000);
    expect([...options.phases]).toEqual(['wait', 'poll']);
    expect(options.profileDir).toBe('prof');
    expect(options.out).toBe('x.json');
  });

  it('names an unknown phase and lists the known ones', () => {
    expect(() => parseOptions(['--only', 'wait,speed'])).toThrow(OptionsError);
    expect(() => parseOptions(['--only', 'wait,speed'])).toThrow(/"speed".*floor, wait, poll/);
  });

  it('refuses --profile without a throughput or rebuild phase to profile', () => {
    expect(() => parseOptions(['--only', 'parked', '--profile', 'prof'])).toThrow(
      /add wait, poll or rebuild/,
    );
    expect(parseOptions(['--only', 'rebuild', '--profile', 'prof']).profileDir).toBe('prof');
  });

  it('refuses an option without its value, and an unknown option', () => {
    expect(() => parseOptions(['--profile'])).toThrow(/--profile needs a value/);
    expect(() => parseOptions(['--only', '--quick'])).toThrow(/--only needs a value/);
    expect(() => parseOptions(['--fast'])).toThrow(/unknown option "--fast"/);
  });
});
