import { canonicalTimeZone, CronSchedule } from './cron';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

function schedule(expression: string, timezone = 'UTC'): CronSchedule {
  const parsed = CronSchedule.parse(expression, timezone);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.schedule;
}

/** The next `n` ticks after `from`, as ISO strings. */
function ticks(s: CronSchedule, from: string, n: number): string[] {
  const out: string[] = [];
  let cursor = at(from);
  for (let i = 0; i < n; i++) {
    const next = s.nextAfter(cursor);
    if (next === undefined) break;
    out.push(new Date(next).toISOString());
    cursor = next;
  }
  return out;
}

describe('CronSchedule', () => {
  it('computes ticks in the schedule’s time zone', () => {
    // 7:00 in Berlin is 06:00Z in winter (CET) and 05:00Z in summer (CEST).
    expect(ticks(schedule('0 7 * * *', 'Europe/Berlin'), '2025-01-10T12:00:00Z', 2)).toEqual([
      '2025-01-11T06:00:00.000Z',
      '2025-01-12T06:00:00.000Z',
    ]);
    expect(ticks(schedule('0 9 * * 1', 'Asia/Kolkata'), '2025-01-01T00:00:00Z', 2)).toEqual([
      '2025-01-06T03:30:00.000Z',
      '2025-01-13T03:30:00.000Z',
    ]);
    expect(ticks(schedule('30 8 * * 1-5', 'America/New_York'), '2025-01-03T14:00:00Z', 2)).toEqual([
      '2025-01-06T13:30:00.000Z', // Friday's has passed; the weekend is skipped
      '2025-01-07T13:30:00.000Z',
    ]);
  });

  it('keeps the wall-clock time across daylight saving changes', () => {
    expect(ticks(schedule('0 7 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', 3)).toEqual([
      '2025-03-30T05:00:00.000Z', // the first day of CEST
      '2025-03-31T05:00:00.000Z',
      '2025-04-01T05:00:00.000Z',
    ]);
  });

  it('runs a fixed time that falls in the spring-forward gap once, right after it (as Vixie cron)', () => {
    // 30 March 2025, Berlin: 02:00 → 03:00. 02:30 does not exist that day.
    expect(ticks(schedule('30 2 * * *', 'Europe/Berlin'), '2025-03-29T12:00:00Z', 3)).toEqual([
      '2025-03-30T01:00:00.000Z', // 03:00 CEST
      '2025-03-31T00:30:00.000Z',
      '2025-04-01T00:30:00.000Z',
    ]);
  });

  it('runs a fixed time in the repeated hour once, and interval schedules on both occurrences', () => {
    // 26 October 2025, Berlin: 03:00 CEST → 02:00 CET. 02:30 happens twice.
    expect(ticks(schedule('30 2 * * *', 'Europe/Berlin'), '2025-10-25T12:00:00Z', 2)).toEqual([
      '2025-10-26T00:30:00.000Z',
      '2025-10-27T01:30:00.000Z',
    ]);
    expect(ticks(schedule('*/30 * * * *', 'Europe/Berlin'), '2025-10-26T00:10:00Z', 4)).toEqual([
      '2025-10-26T00:30:00.000Z', // 02:30 CEST
      '2025-10-26T01:00:00.000Z', // 02:00 CET
      '2025-10-26T01:30:00.000Z', // 02:30 CET
      '2025-10-26T02:00:00.000Z',
    ]);
  });

  it('reads a seconds field when there are six', () => {
    const s = schedule('*/2 * * * * *');
    expect(s.hasSeconds).toBe(true);
    expect(schedule('0 7 * * *').hasSeconds).toBe(false);
    expect(ticks(s, '2025-01-01T00:00:00.500Z', 3)).toEqual([
      '2025-01-01T00:00:02.000Z',
      '2025-01-01T00:00:04.000Z',
      '2025-01-01T00:00:06.000Z',
    ]);
  });

  it('finds the latest tick at or before a time (a tick exactly at it counts)', () => {
    const s = schedule('0 7 * * *', 'Europe/Berlin');
    expect(iso(s.latestAtOrBefore(at('2025-03-31T05:00:00.000Z')))).toBe('2025-03-31T05:00:00.000Z');
    expect(iso(s.latestAtOrBefore(at('2025-03-31T05:00:00.999Z')))).toBe('2025-03-31T05:00:00.000Z');
    expect(iso(s.latestAtOrBefore(at('2025-03-31T04:59:59.999Z')))).toBe('2025-03-30T05:00:00.000Z');
    const everyMinute = schedule('* * * * *');
    expect(iso(everyMinute.latestAtOrBefore(at('2025-01-01T10:00:59.999Z')))).toBe(
      '2025-01-01T10:00:00.000Z',
    );
    expect(iso(schedule('0 0 29 2 *').latestAtOrBefore(at('2027-01-01T00:00:00Z')))).toBe(
      '2024-02-29T00:00:00.000Z',
    );
  });

  it('strictly after: a tick exactly at the reference is not next', () => {
    const s = schedule('* * * * *');
    expect(iso(s.nextAfter(at('2025-01-01T10:00:00.000Z')))).toBe('2025-01-01T10:01:00.000Z');
    expect(iso(s.nextAfter(at('2025-01-01T09:59:59.999Z')))).toBe('2025-01-01T10:00:00.000Z');
  });

  it('accepts nicknames, names and the ? of other crons', () => {
    for (const expression of [
      '@daily',
      '@hourly',
      '@weekly',
      '@monthly',
      '@yearly',
      '0 9 * * MON-FRI',
      '0 7 ? * *',
    ]) {
      expect(CronSchedule.parse(expression).ok).toBe(true);
    }
  });

  it.each([
    ['every day', 'is not a cron expression'],
    ['61 * * * *', 'Invalid value for minute: 61'],
    ['0 25 * * *', 'Invalid value for hour: 25'],
    ['* * * *', 'exactly five, six, or seven'],
    ['0 0 0 1 1 * 2030', 'requires exactly 5 or 6 parts'],
    ['*/0 * * * *', 'illegal stepping: 0'],
    ['0 7 31 2 *', 'never fires'],
    ['@reboot', '@reboot is not supported'],
    ['', 'is not a cron expression'],
  ])('refuses %j: %s', (expression, reason) => {
    const parsed = CronSchedule.parse(expression);
    expect(parsed).toMatchObject({ ok: false, field: 'cron' });
    if (!parsed.ok) expect(parsed.reason).toContain(reason);
  });

  it('refuses a time zone that is not one, and spells a known one as Intl does', () => {
    expect(CronSchedule.parse('0 7 * * *', 'Mars/Base')).toMatchObject({ ok: false, field: 'timezone' });
    expect(CronSchedule.parse('0 7 * * *', '../etc')).toMatchObject({ ok: false, field: 'timezone' });
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Asia/Calcutta')).toBe('Asia/Calcutta');
    const parsed = CronSchedule.parse('0 7 * * *', 'europe/berlin');
    expect(parsed.ok && parsed.schedule.timezone).toBe('Europe/Berlin');
  });
});
