import { checkValueLength } from './expression-limits';
import { asText } from './text';

/**
 * The `| name(args)` transforms available in expressions. All are pure and total: a value of
 * the wrong type gives undefined (or the value unchanged), never an exception — except past a
 * bound of `limits.ts` (a join that would build a huge text).
 */
export const TRANSFORMS: Readonly<Record<string, (value: unknown, ...args: unknown[]) => unknown>> =
  Object.freeze({
    upper: (value: unknown) => (typeof value === 'string' ? value.toUpperCase() : value),
    lower: (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value),
    trim: (value: unknown) => (typeof value === 'string' ? value.trim() : value),
    length: (value: unknown) =>
      typeof value === 'string' || Array.isArray(value)
        ? value.length
        : value !== null && typeof value === 'object'
          ? Object.keys(value).length
          : undefined,
    json: (value: unknown) => (value === undefined ? undefined : asText(value)),
    string: (value: unknown) => asText(value),
    number: (value: unknown) => {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      return Number.isNaN(n) ? undefined : n;
    },
    join: (value: unknown, separator?: unknown) => {
      if (!Array.isArray(value)) return value;
      const glue = typeof separator === 'string' ? separator : ', ';
      const parts = value.map(asText);
      checkValueLength(
        parts.reduce((sum, part) => sum + part.length, 0) + glue.length * Math.max(0, parts.length - 1),
        'the joined text',
      );
      return parts.join(glue);
    },
    split: (value: unknown, separator?: unknown) =>
      typeof value === 'string' ? value.split(typeof separator === 'string' ? separator : ',') : undefined,
    first: (value: unknown) => (Array.isArray(value) ? value[0] : value),
    last: (value: unknown) => (Array.isArray(value) ? value[value.length - 1] : value),
    keys: (value: unknown) =>
      value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : undefined,
    default: (value: unknown, fallback?: unknown) =>
      value === undefined || value === null || value === '' ? fallback : value,
  });
