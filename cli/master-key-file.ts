import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The secrets store's master key for a server `chainmail up` starts on this machine: a file of
 * 32 random bytes (base64) next to the CLI's credentials, readable by its owner only, made once.
 * The key is never kept with the data it protects (the database). An operator's own
 * CHAINMAIL_MASTER_KEY or CHAINMAIL_MASTER_KEY_FILE is left as it is.
 */
export function localMasterKeyFile(env: Env): { path: string; created: boolean } | undefined {
  if (nonEmpty(env.CHAINMAIL_MASTER_KEY) || nonEmpty(env.CHAINMAIL_MASTER_KEY_FILE)) return undefined;
  const base =
    nonEmpty(env.XDG_CONFIG_HOME) ?? (nonEmpty(env.HOME) ? join(env.HOME ?? '', '.config') : undefined);
  if (base === undefined) return undefined;
  const path = join(base, 'chainmail', 'master.key');
  if (existsSync(path)) return { path, created: false };
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    // `wx`: two `up`s at once make one key, not two.
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return { path, created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { path, created: false };
    throw err;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
