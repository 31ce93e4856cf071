import type { ValueTransformer } from 'typeorm';

/**
 * pg returns `bigint` as a string so that no precision is lost silently; stream sequences and
 * millisecond durations stay far below 2^53, so a number is exact and easier to use.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
