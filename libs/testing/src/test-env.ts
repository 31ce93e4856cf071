import { delimiter } from 'node:path';

/**
 * Where the integration tests find their servers: the test run's configuration, read here once
 * (the test counterpart of `loadConfig`). Relative imports only: jest's globalSetup uses it
 * without the path aliases.
 */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

export function testNatsUrl(): string {
  return process.env.NATS_URL || DEFAULT_NATS_URL;
}

export function testDatabaseUrl(): string {
  return process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
}

/** The directories of PATH, where test helpers look for server binaries. */
export function executableSearchPath(): string[] {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean);
}
