import { Transform } from 'class-transformer';

/**
 * Query text to values before validation: `true`/`1` and `false`/`0` to booleans; anything else
 * stays text, so `@IsBoolean` names it (no silent `?wait=yes` = false).
 */
export const QueryBoolean = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === '1') return true;
    if (value === 'false' || value === '0') return false;
    return value;
  });

/** Text trimmed (names): a name of spaces is then empty, and refused. */
export const Trimmed = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));
