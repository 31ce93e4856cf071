import { Client } from 'pg';
import { createTestDatabase } from './test-database';
import { freePort } from './free-port';
import { uniqueName } from './unique-name';

describe('createTestDatabase', () => {
  it('creates a fresh database that can be used and dropped', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    expect(a.name).not.toBe(b.name);
    const client = new Client({ connectionString: a.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
      expect(rows[0].db).toBe(a.name);
    } finally {
      await client.end();
    }
    // Drop works even with a connection still open.
    const lingering = new Client({ connectionString: b.url });
    lingering.on('error', () => undefined);
    await lingering.connect();
    await Promise.all([a.drop(), b.drop()]);
    await lingering.end().catch(() => undefined);
    const gone = new Client({ connectionString: a.url });
    await expect(gone.connect()).rejects.toThrow(/does not exist/);
    await gone.end().catch(() => undefined);
  });
});

describe('uniqueName / freePort', () => {
  it('gives distinct names valid as identifiers and subject tokens', () => {
    const names = new Set(Array.from({ length: 100 }, () => uniqueName('My-Suite')));
    expect(names.size).toBe(100);
    for (const name of names) expect(name).toMatch(/^my_suite_[a-z0-9_]+$/);
  });

  it('finds a port nobody listens on', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThan(0);
  });
});
