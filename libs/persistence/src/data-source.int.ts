import type { DataSource } from 'typeorm';
import { createDataSource, migrate, PERSISTENCE_MIGRATIONS } from './data-source';
import { createTestDatabase, type TestDatabase } from '@chainmail/testing';

describe('createDataSource / migrate', () => {
  let db: TestDatabase;
  const open: DataSource[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('migrate');
  });
  afterAll(async () => {
    await Promise.all(open.map((ds) => ds.destroy()));
    await db.drop();
  });

  it('applies the migrations once even when several processes start together', async () => {
    const sources = await Promise.all(
      [1, 2, 3].map(() => createDataSource(db.url, { migrationsRun: true, poolSize: 3 })),
    );
    open.push(...sources);
    const [ds] = sources;

    const applied = (await ds.query('SELECT name FROM schema_migrations')) as Array<{ name: string }>;
    expect(applied.map((m) => m.name)).toEqual(PERSISTENCE_MIGRATIONS.map((m) => m.name));
    const tables = (await ds.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )) as Array<{ table_name: string }>;
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['projection_checkpoints', 'run_steps', 'runs', 'schema_migrations']),
    );
  });

  it('applying again changes nothing', async () => {
    expect(await migrate(open[0])).toEqual([]);
    const again = await createDataSource(db.url, { migrationsRun: true, poolSize: 2 });
    open.push(again);
    const count = (await again.query('SELECT count(*)::int AS n FROM schema_migrations')) as Array<{
      n: number;
    }>;
    expect(count[0].n).toBe(PERSISTENCE_MIGRATIONS.length);
  });

  it('declares the listing indexes newest first', async () => {
    const rows = (await open[0].query(
      `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'runs' AND indexname LIKE 'runs_%_idx' ORDER BY indexname`,
    )) as Array<{ indexname: string; indexdef: string }>;
    expect(rows.map((r) => r.indexname)).toEqual([
      'runs_started_idx',
      'runs_status_started_idx',
      'runs_workflow_started_idx',
    ]);
    for (const row of rows) expect(row.indexdef).toContain('started_at DESC, id DESC');
  });
});
