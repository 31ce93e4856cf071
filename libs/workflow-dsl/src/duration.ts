const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `30s`, `5m`, `24h`, `1h30m`, `500ms`, `1.5s`, `2d` → milliseconds. Anything else (a bare number,
 * an unknown unit, spaces inside) → undefined, so the validator can say exactly what is wrong.
 */
export function parseDuration(text: string): number | undefined {
  const source = text.trim();
  if (source.length === 0 || source.length > 64) return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < source.length) {
    const match = PART.exec(source);
    if (match === null) return undefined;
    total += Number(match[1]) * UNIT_MS[match[2]];
  }
  return Number.isFinite(total) ? Math.round(total) : undefined;
}
