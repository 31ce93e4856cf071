import { Client } from 'pg';

/**
 * Creates the configured database when it does not exist yet, so a fresh install needs no manual
 * `createdb`. Connects to the server's `postgres` database to do it; a lack of rights is reported
 * with what to run instead.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) return;
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  try {
    await client.connect();
  } catch {
    return; // The DataSource's own connection error will say what is wrong, with the real URL.
  }
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    }
  } catch (err) {
    const code = (err as { code?: string }).code;
    // 42P04: created by a concurrent start in between, which is fine.
    if (code !== '42P04') {
      throw new Error(
        `Database "${name}" does not exist and could not be created (${(err as Error).message}); create it with: createdb ${name}`,
      );
    }
  } finally {
    await client.end();
  }
}
