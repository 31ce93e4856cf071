/** The text form of a value, as templates render it (objects and lists as JSON). */
export function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (typeof value !== 'object') return '';
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
