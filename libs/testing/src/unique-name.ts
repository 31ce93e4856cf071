import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A name no other test, process or earlier run uses: lowercase letters, digits and '_', so it is
 * valid as a database name, a NATS stream name and a subject token.
 */
export function uniqueName(prefix: string): string {
  counter += 1;
  const safe = prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return `${safe}_${process.pid.toString(36)}${counter.toString(36)}_${randomBytes(3).toString('hex')}`;
}
