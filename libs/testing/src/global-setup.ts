import { connect } from 'nats';
import { Client } from 'pg';
import { testDatabaseUrl, testNatsUrl } from './test-env';

/**
 * Jest globalSetup of the integration project: fails at once, saying what to start, when NATS or
 * Postgres is missing, instead of letting every suite time out. Relative imports only (no aliases here).
 */
export default async function globalSetup(): Promise<void> {
  const problems = (await Promise.all([checkNats(testNatsUrl()), checkPostgres(testDatabaseUrl())])).filter(
    (p): p is string => p !== undefined,
  );
  if (problems.length > 0) {
    throw new Error(`Integration tests need NATS (JetStream) and Postgres.\n\n${problems.join('\n\n')}\n`);
  }
}

async function checkNats(url: string): Promise<string | undefined> {
  try {
    const nc = await connect({ servers: url, reconnect: false, timeout: 2_000 });
    try {
      await (await nc.jetstreamManager()).getAccountInfo();
    } finally {
      await nc.close();
    }
    return undefined;
  } catch (err) {
    return (
      `NATS with JetStream is not reachable at ${url}: ${(err as Error).message}\n` +
      `  Start it with \`nats-server -js\` (or \`docker compose up -d nats\`), or set NATS_URL.`
    );
  }
}

async function checkPostgres(url: string): Promise<string | undefined> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (err) {
    return (
      `Postgres is not reachable at ${redact(url)}: ${(err as Error).message}\n` +
      `  Start it (\`docker compose up -d postgres\`, user postgres, database test, trust auth), or set DATABASE_URL.`
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
