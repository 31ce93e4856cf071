import { formatAge, formatDuration, issueLine, Palette, table } from './render';
import { failingChecks } from './readiness';

describe('render', () => {
  it('formats durations at a readable precision', () => {
    expect(
      [0, 12, 999, 1000, 1520, 59_999, 60_000, 125_000, 3_600_000, 3_725_000].map(formatDuration),
    ).toEqual([
      '0 ms',
      '12 ms',
      '999 ms',
      '1.0 s',
      '1.5 s',
      '59.9 s',
      '1 m 00 s',
      '2 m 05 s',
      '1 h 00 m',
      '1 h 02 m',
    ]);
    expect(formatDuration(-1)).toBe('-');
  });

  it('formats ages relative to now', () => {
    const now = new Date('2025-03-01T12:00:00Z');
    expect(
      ['2025-03-01T12:00:00Z', '2025-03-01T11:59:30Z', '2025-03-01T11:00:00Z', '2025-02-25T12:00:00Z'].map(
        (t) => formatAge(t, now),
      ),
    ).toEqual(['just now', '30 s ago', '1 h ago', '4 d ago']);
    expect(formatAge(undefined, now)).toBe('-');
  });

  it('aligns table columns by visible width, ignoring colour codes', () => {
    const palette = new Palette(true);
    const out = table(
      ['A', 'STATUS', 'C'],
      [
        ['x', palette.status('failed'), 'last'],
        ['long', 'ok', ''],
      ],
      palette,
    );
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toBe('A     STATUS  C\nx     failed  last\nlong  ok\n');
  });

  it('paints nothing when colour is off', () => {
    expect(new Palette(false).status('failed')).toBe('failed');
  });

  it('renders issues as FILE:LINE:COLUMN, falling back to the path', () => {
    expect(issueLine('a.yaml', { code: 'X', message: 'bad', line: 3, column: 7, hint: 'try y' })).toBe(
      'a.yaml:3:7: bad (try y)',
    );
    expect(issueLine('a.yaml', { code: 'X', message: 'bad', line: 3 })).toBe('a.yaml:3: bad');
    expect(issueLine('a.yaml', { code: 'X', message: 'bad', path: 'steps.1' })).toBe('a.yaml: steps.1: bad');
  });
});

describe('failingChecks', () => {
  it('reads the failing checks out of the common /readyz shapes', () => {
    expect(
      failingChecks({
        status: 'error',
        checks: { nats: { status: 'down', message: 'connection refused' }, postgres: { status: 'up' } },
      }),
    ).toEqual(['nats: connection refused']);
    expect(failingChecks({ nats: true, postgres: false })).toEqual(['postgres: not reachable']);
    expect(
      failingChecks({
        error: {
          code: 'UNAVAILABLE',
          message: 'not ready',
          details: { postgres: 'ECONNREFUSED 127.0.0.1:5432' },
        },
      }),
    ).toEqual(['UNAVAILABLE: not ready', 'postgres: ECONNREFUSED 127.0.0.1:5432']);
    expect(failingChecks('NATS down')).toEqual(['NATS down']);
    expect(failingChecks(undefined)).toEqual([]);
  });
});
