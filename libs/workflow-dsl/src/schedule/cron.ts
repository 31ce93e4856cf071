import { Cron } from 'croner';

/**
 * A schedule trigger's cron expression in its time zone: validation for the parser and tick
 * computation for scheduling and the API, from one library so they can never disagree.
 *
 * Croner (zero dependencies, IANA zones through Intl) follows Vixie cron across DST changes: a
 * fixed-time job (`30 2 * * *`) whose time falls in a spring-forward gap runs once, right after
 * the gap, and once (the first time) when the hour repeats; interval jobs (`*\/15 * * * *`) follow
 * real time. Expressions have 5 fields, or 6 with seconds first (`*\/2 * * * * *`), or a nickname
 * (`@daily`). Day-of-month and day-of-week combine with OR, as in classic cron.
 */
export class CronSchedule {
  private constructor(
    readonly expression: string,
    readonly timezone: string,
    private readonly cron: Cron,
  ) {}

  /** The expression read in `timezone` (an IANA name, e.g. Europe/Berlin), or why not. */
  static parse(expression: string, timezone = 'UTC'): CronParseResult {
    const zone = canonicalTimeZone(timezone);
    if (zone === undefined) {
      return { ok: false, field: 'timezone', reason: `"${timezone}" is not a time zone` };
    }
    const text = expression.trim();
    if (text.length === 0 || text.length > MAX_EXPRESSION_LENGTH) {
      return { ok: false, field: 'cron', reason: `"${expression}" is not a cron expression` };
    }
    let cron: Cron;
    try {
      cron = new Cron(text, { timezone: zone, paused: true, mode: '5-or-6-parts' });
    } catch (err) {
      return {
        ok: false,
        field: 'cron',
        reason: `"${expression}" is not a cron expression: ${cronReason(err)}`,
      };
    }
    const schedule = new CronSchedule(text, zone, cron);
    // Without a year field a schedule that fires at all fires within a few years of any date.
    if (schedule.nextAfter(NEVER_PROBE_MS) === undefined) {
      return { ok: false, field: 'cron', reason: `"${expression}" never fires (no such date)` };
    }
    return { ok: true, schedule };
  }

  /** Whether ticks can fall on other seconds than :00 (a 6-field expression). */
  get hasSeconds(): boolean {
    return !this.expression.startsWith('@') && this.expression.split(/\s+/).length === 6;
  }

  /** The first tick strictly after `afterMs` (epoch milliseconds). */
  nextAfter(afterMs: number): number | undefined {
    return this.cron.nextRun(new Date(afterMs))?.getTime() ?? undefined;
  }

  /** The latest tick at or before `atMs`. Ticks fall on whole seconds. */
  latestAtOrBefore(atMs: number): number | undefined {
    // Croner's previous run is strictly before its reference: the start of the next second.
    const reference = Math.floor(atMs / 1000) * 1000 + 1000;
    return this.cron.previousRuns(1, new Date(reference))[0]?.getTime();
  }
}

export type CronParseResult =
  { ok: true; schedule: CronSchedule } | { ok: false; field: 'cron' | 'timezone'; reason: string };

/**
 * The zone's name as Intl spells it (`europe/berlin` → `Europe/Berlin`), or undefined when it is
 * not a time zone. Aliases are kept as written (`Asia/Calcutta` stays).
 */
export function canonicalTimeZone(zone: string): string | undefined {
  if (!ZONE_NAME.test(zone)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === zone.toLowerCase() ? resolved : zone;
  } catch {
    return undefined;
  }
}

const ZONE_NAME = /^[A-Za-z_][A-Za-z0-9_+\-/]{0,63}$/;
const MAX_EXPRESSION_LENGTH = 256;
const NEVER_PROBE_MS = Date.UTC(2024, 0, 1);

/** Croner's messages start with its class name; the rest says what is wrong. */
function cronReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/^Cron(Pattern|Options)?:\s*/, '');
}
