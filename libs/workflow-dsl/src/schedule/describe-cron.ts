/**
 * A cron expression in words, for people: "Every day at 7:00", "Weekdays at 8:30", "Every 15
 * minutes". Only common shapes are put in words; anything else is returned as written, which is
 * never wrong. Times are the schedule's own wall-clock time (24-hour), in its time zone.
 */
export function describeCron(expression: string): string {
  const text = expression.trim();
  const fields = (NICKNAMES[text.toLowerCase()] ?? text).split(/\s+/).map((f) => (f === '?' ? '*' : f));
  if (fields.length === 6) return describeWithSeconds(fields) ?? text;
  if (fields.length === 5) return describeFields(fields) ?? text;
  return text;
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAY_NAMES = ['Sundays', 'Mondays', 'Tuesdays', 'Wednesdays', 'Thursdays', 'Fridays', 'Saturdays'];
const DAY_TOKENS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const MONTH_TOKENS = MONTH_NAMES.map((m) => m.slice(0, 3).toLowerCase());
/** More times of day than this read better as the expression itself. */
const MAX_TIMES = 4;

function describeWithSeconds([second, ...rest]: string[]): string | undefined {
  if (rest.every((f) => f === '*')) {
    if (second === '*') return 'Every second';
    const step = stepOf(second);
    if (step !== undefined) return step === 1 ? 'Every second' : `Every ${step} seconds`;
  }
  return second === '0' ? describeFields(rest) : undefined;
}

function describeFields([minute, hour, dom, month, dow]: string[]): string | undefined {
  if (hour === '*' && dom === '*' && month === '*' && dow === '*') {
    if (minute === '*') return 'Every minute';
    const step = stepOf(minute);
    if (step !== undefined) return step === 1 ? 'Every minute' : `Every ${step} minutes`;
  }
  const minutes = valuesOf(minute, 0, 59);
  if (minutes === undefined || minutes.length !== 1) return undefined;
  const [m] = minutes;
  if (dom === '*' && month === '*' && dow === '*') {
    if (hour === '*') return m === 0 ? 'Every hour' : `Every hour at :${pad(m)}`;
    const hourStep = stepOf(hour);
    if (hourStep !== undefined && hourStep > 1) {
      return m === 0 ? `Every ${hourStep} hours` : `Every ${hourStep} hours at :${pad(m)}`;
    }
  }
  const hours = valuesOf(hour, 0, 23);
  if (hours === undefined || hours.length > MAX_TIMES) return undefined;
  const at = `at ${list(hours.map((h) => `${h}:${pad(m)}`))}`;
  const days = daysOf(dom, month, dow);
  return days === undefined ? undefined : `${days} ${at}`;
}

/** "Every day", "Weekdays", "Mondays and Thursdays", "On the 1st of every month", "Every year on March 1". */
function daysOf(dom: string, month: string, dow: string): string | undefined {
  if (month === '*') {
    if (dom === '*') {
      if (dow === '*') return 'Every day';
      const weekdays = valuesOf(dow, 0, 7, DAY_TOKENS)?.map((d) => d % 7);
      if (weekdays === undefined) return undefined;
      const set = [...new Set(weekdays)].sort((a, b) => a - b);
      if (set.length === 7) return 'Every day';
      if (set.join() === '1,2,3,4,5') return 'Weekdays';
      if (set.join() === '0,6') return 'Weekends';
      // Monday first, as people read a week.
      const ordered = [...set.filter((d) => d !== 0), ...set.filter((d) => d === 0)];
      return list(ordered.map((d) => DAY_NAMES[d]));
    }
    if (dow !== '*') return undefined;
    const dates = valuesOf(dom, 1, 31);
    if (dates === undefined || dates.length > MAX_TIMES) return undefined;
    return `On the ${list(dates.map(ordinal))} of every month`;
  }
  const months = valuesOf(month, 1, 12, MONTH_TOKENS, 1);
  const dates = valuesOf(dom, 1, 31);
  if (months?.length !== 1 || dates?.length !== 1 || dow !== '*') return undefined;
  return `Every year on ${MONTH_NAMES[months[0] - 1]} ${dates[0]}`;
}

/** `*\/N` → N. */
function stepOf(field: string): number | undefined {
  const match = /^\*\/(\d+)$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/**
 * The values of a field made of numbers, names and ranges (`1-5`, `MON,WED`), sorted; undefined
 * for anything else (steps, `L`, `#`, `W`), which is left to the expression itself.
 */
function valuesOf(
  field: string,
  min: number,
  max: number,
  names: readonly string[] = [],
  nameBase = 0,
): number[] | undefined {
  const value = (token: string): number | undefined => {
    const named = names.indexOf(token.toLowerCase());
    if (named >= 0) return named + nameBase;
    if (!/^\d{1,2}$/.test(token)) return undefined;
    const n = Number(token);
    return n >= min && n <= max ? n : undefined;
  };
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const range = /^([A-Za-z0-9]+)-([A-Za-z0-9]+)$/.exec(part);
    const from = value(range ? range[1] : part);
    const to = range ? value(range[2]) : from;
    if (from === undefined || to === undefined || to < from) return undefined;
    for (let n = from; n <= to; n++) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

function list(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function ordinal(n: number): string {
  const suffix =
    n % 10 === 1 && n !== 11
      ? 'st'
      : n % 10 === 2 && n !== 12
        ? 'nd'
        : n % 10 === 3 && n !== 13
          ? 'rd'
          : 'th';
  return `${n}${suffix}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');
