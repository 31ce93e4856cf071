import { Client } from 'pg';
import { testDatabaseUrl } from './test-env';
import { uniqueName } from './unique-name';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, closing any connection left to it. */
  drop(): Promise<void>;
}

/** A fresh, uniquely named database on the shared test Postgres. */
export async function createTestDatabase(prefix = 'cm'): Promise<TestDatabase> {
  const name = uniqueName(prefix);
  await asAdmin((admin) => admin.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      await asAdmin((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

async function asAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
