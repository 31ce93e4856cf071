import { InvalidArgumentError } from 'commander';

/** Runs a command's action and records its exit code (see `main.ts`). */
export type ActionRunner = (action: () => Promise<number>) => Promise<void>;

/** For repeatable options: `-f a -f b` → `['a', 'b']`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function positiveInt(what: string): (value: string) => number {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) {
      throw new InvalidArgumentError(`${what} must be a positive integer.`);
    }
    return Number(value);
  };
}
