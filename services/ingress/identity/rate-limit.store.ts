import type { DataSource } from 'typeorm';

/** One key's count in a window, as sent to the shared table and as it comes back. */
export interface WindowCount {
  key: string;
  /** Requests counted here since the last sync (0: only learn the shared total). */
  added: number;
  /** When this replica's window for the key ends (epoch ms). */
  windowEnd: number;
}

export interface SharedCount {
  key: string;
  /** Every replica's requests in the shared window, ours included. */
  total: number;
  windowEnd: number;
}

/**
 * The `rate_limits` table, where replicas add up their counts: one row per key, `points` counted
 * in the window that ends at `expire` (epoch ms). A row whose window has passed starts again from
 * the count that arrives. Old rows are deleted now and then.
 */
export class RateLimitStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds every key's count in one statement and returns the totals. Raw SQL: an upsert that adds to
   * the stored value (or restarts an expired window) and returns the result is not something
   * TypeORM's query builder can express (`orUpdate` only copies the new values).
   */
  async add(counts: readonly WindowCount[], now: number): Promise<SharedCount[]> {
    if (counts.length === 0) return [];
    const rows: { key: string; points: number; expire: string }[] = await this.dataSource.query(
      `INSERT INTO rate_limits (key, points, expire)
       SELECT * FROM unnest($1::varchar[], $2::int[], $3::bigint[])
       ON CONFLICT (key) DO UPDATE SET
         points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4
                       THEN EXCLUDED.points ELSE rate_limits.points + EXCLUDED.points END,
         expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4
                       THEN EXCLUDED.expire ELSE rate_limits.expire END
       RETURNING key, points, expire`,
      [counts.map((c) => c.key), counts.map((c) => c.added), counts.map((c) => c.windowEnd), now],
    );
    return rows.map((r) => ({ key: r.key, total: Number(r.points), windowEnd: Number(r.expire) }));
  }

  /** The key's shared count, if its window is still open at `now`. */
  async read(key: string, now: number): Promise<SharedCount | undefined> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select(['r.points AS points', 'r.expire AS expire'])
      .from('rate_limits', 'r')
      .where('r.key = :key AND r.expire > :now', { key, now })
      .getRawOne<{ points: number; expire: string }>();
    return row ? { key, total: Number(row.points), windowEnd: Number(row.expire) } : undefined;
  }

  /** Deletes windows that ended before `before` (epoch ms). */
  async prune(before: number): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from('rate_limits')
      .where('expire < :before', { before })
      .execute();
  }
}
