import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The root of the Chainmail package this CLI belongs to: the nearest folder above `start` whose
 * package.json is named "chainmail". Works from `cli/` (sources) and `dist/cli/` (built) alike.
 */
export function findPackageRoot(start: string = __dirname): string | undefined {
  let dir = start;
  for (;;) {
    if (packageJson(dir)?.name === 'chainmail') return dir;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export function packageVersion(root: string | undefined): string {
  const version = root === undefined ? undefined : packageJson(root)?.version;
  return typeof version === 'string' ? version : '0.0.0';
}

function packageJson(dir: string): { name?: unknown; version?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}
