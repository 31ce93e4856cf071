import type { DataSource, QueryRunner } from 'typeorm';

/** Postgres errors after which the same transaction, tried again, can succeed. */
export const RETRYABLE_PG_CODES: ReadonlySet<string> = new Set([
  '40P01' /* deadlock */,
  '40001' /* serialization failure */,
]);
const MAX_TRIES = 4;

/**
 * Runs `work` in one transaction, again from the start after a deadlock or serialization failure
 * (replicas writing the same rows at once), up to a few times. Any other error is thrown as it is.
 */
export async function inRetryingTransaction(
  dataSource: DataSource,
  work: (runner: QueryRunner) => Promise<void>,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await work(runner);
      await runner.commitTransaction();
      return;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      if (attempt >= MAX_TRIES || !RETRYABLE_PG_CODES.has(pgCode(error))) throw error;
    } finally {
      await runner.release();
    }
  }
}

/** The SQLSTATE of a pg or TypeORM error, or '' when it has none. */
export function pgCode(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } }).code ??
    (error as { driverError?: { code?: unknown } }).driverError?.code;
  return typeof code === 'string' ? code : '';
}
