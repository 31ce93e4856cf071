/** `30000` → `30s`, `90000` → `1m30s`, `86400000` → `24h`: durations in messages, as authors write them. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return `${ms}ms`;
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const units: [string, number][] = [
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) out += `${count}${unit}`;
    rest -= count * size;
  }
  return rest > 0 ? `${out}${rest}ms` : out;
}

export const runTimeoutMessage = (timeoutMs: number): string =>
  `the run did not finish within ${formatDuration(timeoutMs)} (its timeout)`;
