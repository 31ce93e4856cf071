import { CronSchedule } from '@chainmail/workflow-dsl';
import { decideTick, windowStart } from './tick-decision';

const at = (iso: string): number => Date.parse(iso);
const GRACE = 30_000;

function schedule(cron: string, timezone = 'UTC'): CronSchedule {
  const parsed = CronSchedule.parse(cron, timezone);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.schedule;
}

describe('decideTick', () => {
  const daily = schedule('0 7 * * *', 'Europe/Berlin'); // 06:00Z in winter

  it('fires nothing when no tick fell in the window', () => {
    const window = { afterMs: at('2025-01-10T06:00:00Z'), nowMs: at('2025-01-10T12:00:00Z') };
    expect(decideTick(daily, 'none', window, GRACE)).toEqual({});
    expect(decideTick(daily, 'last', window, GRACE)).toEqual({});
  });

  it('fires the tick it woke for, a little late', () => {
    const window = { afterMs: at('2025-01-10T05:59:59.990Z'), nowMs: at('2025-01-10T06:00:00.004Z') };
    expect(decideTick(daily, 'none', window, GRACE)).toEqual({ fireMs: at('2025-01-10T06:00:00Z') });
  });

  it('a tick exactly at the window start was evaluated already; one exactly at now is due', () => {
    const tick = at('2025-01-10T06:00:00Z');
    expect(decideTick(daily, 'none', { afterMs: tick, nowMs: tick + 10 }, GRACE)).toEqual({});
    expect(decideTick(daily, 'none', { afterMs: tick - 10, nowMs: tick }, GRACE)).toEqual({ fireMs: tick });
  });

  it('catch_up none: after downtime the missed ticks are skipped, none fires', () => {
    // Down from 10 January 05:00Z to 12 January 09:00Z: the 10th, 11th and 12th 7:00 were missed.
    const window = { afterMs: at('2025-01-10T05:00:00Z'), nowMs: at('2025-01-12T09:00:00Z') };
    expect(decideTick(daily, 'none', window, GRACE)).toEqual({ missedMs: at('2025-01-12T06:00:00Z') });
  });

  it('catch_up none still fires a tick within the grace after a short restart', () => {
    const window = { afterMs: at('2025-01-12T05:59:00Z'), nowMs: at('2025-01-12T06:00:20Z') };
    expect(decideTick(daily, 'none', window, GRACE)).toEqual({ fireMs: at('2025-01-12T06:00:00Z') });
    expect(decideTick(daily, 'none', { ...window, nowMs: at('2025-01-12T06:00:31Z') }, GRACE)).toEqual({
      missedMs: at('2025-01-12T06:00:00Z'),
    });
  });

  it('catch_up last: after downtime the most recent missed tick fires once, the older ones are skipped', () => {
    const window = { afterMs: at('2025-01-10T05:00:00Z'), nowMs: at('2025-01-12T09:00:00Z') };
    expect(decideTick(daily, 'last', window, GRACE)).toEqual({
      fireMs: at('2025-01-12T06:00:00Z'),
      missedMs: at('2025-01-11T06:00:00Z'),
    });
    // Only one tick missed: it fires, nothing is reported skipped.
    expect(
      decideTick(
        daily,
        'last',
        { afterMs: at('2025-01-12T05:00:00Z'), nowMs: at('2025-01-12T09:00:00Z') },
        GRACE,
      ),
    ).toEqual({ fireMs: at('2025-01-12T06:00:00Z') });
  });

  it('catch_up last picks the right instant when the downtime spans a DST change', () => {
    // Down from Saturday 29 March (CET) to Monday 31 March 2025 noon (CEST): 7:00 on Monday is 05:00Z.
    const window = { afterMs: at('2025-03-29T12:00:00Z'), nowMs: at('2025-03-31T10:00:00Z') };
    expect(decideTick(daily, 'last', window, GRACE)).toEqual({
      fireMs: at('2025-03-31T05:00:00Z'),
      missedMs: at('2025-03-30T05:00:00Z'),
    });
  });

  it('every-minute and every-2-seconds schedules', () => {
    const minute = schedule('* * * * *');
    expect(
      decideTick(
        minute,
        'none',
        { afterMs: at('2025-01-01T10:00:00Z'), nowMs: at('2025-01-01T10:01:00.002Z') },
        GRACE,
      ),
    ).toEqual({ fireMs: at('2025-01-01T10:01:00Z') });
    const seconds = schedule('*/2 * * * * *');
    // A pass 5 s late: the latest tick (10:00:04) is on time and fires; 10:00:02 is skipped.
    expect(
      decideTick(
        seconds,
        'none',
        { afterMs: at('2025-01-01T10:00:00Z'), nowMs: at('2025-01-01T10:00:05Z') },
        GRACE,
      ),
    ).toEqual({ fireMs: at('2025-01-01T10:00:04Z'), missedMs: at('2025-01-01T10:00:02Z') });
  });
});

describe('windowStart', () => {
  it('resumes after the evaluation mark, never before the version became active', () => {
    expect(windowStart(undefined, 1_000)).toBe(1_000);
    expect(windowStart(5_000, 1_000)).toBe(5_000);
    expect(windowStart(500, 1_000)).toBe(1_000);
  });
});
