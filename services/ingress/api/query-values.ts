import { Transform } from 'class-transformer';

/**
 * Query text to a boolean: `true`/`1` and `false`/`0`; anything else stays as it is, so
 * `@IsBoolean` names it (no silent `?wait=yes` = false).
 */
export function queryBoolean(value: unknown): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value;
}

/** {@link queryBoolean} before validation, for a DTO's property. */
export const QueryBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => queryBoolean(value));

/** Text trimmed (names): a name of spaces is then empty, and refused. */
export const Trimmed = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
