/**
 * A run's total time as people say it: `850 ms`, `45 seconds`, `3 minutes 5 seconds`,
 * `2 hours 10 minutes`. Rounded to the second from one second up; seconds are dropped from an hour up.
 */
export function durationInWords(ms: number): string {
  const safe = Number.isFinite(ms) && ms > 0 ? ms : 0;
  if (safe < 1000) return `${Math.round(safe)} ms`;
  const totalSeconds = Math.round(safe / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return joinUnits([hours, 'hour'], [minutes, 'minute']);
  if (minutes > 0) return joinUnits([minutes, 'minute'], [seconds, 'second']);
  return unit(seconds, 'second');
}

function joinUnits(major: [number, string], minor: [number, string]): string {
  return minor[0] === 0 ? unit(...major) : `${unit(...major)} ${unit(...minor)}`;
}

function unit(n: number, name: string): string {
  return `${n} ${name}${n === 1 ? '' : 's'}`;
}
