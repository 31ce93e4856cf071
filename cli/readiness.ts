import { isRecord, str } from './api-types';

/**
 * What a `/readyz` answer says is failing, as lines like `nats: connection refused`. The body's
 * shape is the server's to choose, so this reads the common ones: an error envelope, a map of
 * checks (`{nats: {status: 'down', message}}`, `{postgres: false}`), or those under
 * `checks`/`details`/`error`.
 */
export function failingChecks(body: unknown): string[] {
  if (typeof body === 'string') return body.trim() === '' ? [] : [body.trim()];
  if (!isRecord(body)) return [];
  if (isRecord(body.error) && str(body.error.message) !== undefined) {
    const lines = [`${str(body.error.code) ?? 'error'}: ${str(body.error.message)}`];
    return [...lines, ...failingChecks(body.error.details)];
  }
  const checks = [body.checks, body.details, body.error, body.info].find(isRecord) ?? body;
  const failing: string[] = [];
  for (const [name, value] of Object.entries(checks)) {
    if (name === 'status' || name === 'ok') continue;
    const problem = checkProblem(value);
    if (problem !== undefined) failing.push(`${name}: ${problem}`);
  }
  return failing;
}

/** Undefined when the check passed. */
function checkProblem(value: unknown): string | undefined {
  if (value === true) return undefined;
  if (value === false) return 'not reachable';
  if (typeof value === 'string') return isHealthy(value) ? undefined : value;
  if (!isRecord(value)) return undefined;
  const status = str(value.status);
  const healthy = value.ok === true || value.ready === true || (status !== undefined && isHealthy(status));
  if (healthy) return undefined;
  const detail =
    str(value.message) ?? str(value.error) ?? (isRecord(value.error) ? str(value.error.message) : undefined);
  return detail ?? status ?? 'not ready';
}

function isHealthy(status: string): boolean {
  return ['up', 'ok', 'ready', 'healthy', 'pass'].includes(status.toLowerCase());
}

/** How to start what Chainmail depends on, for people who have neither running yet. */
export function backingServicesHint(services: { natsUrl: string; databaseUrl: string }): string[] {
  return [
    `Chainmail needs NATS with JetStream at ${services.natsUrl} and Postgres at ${services.databaseUrl}`,
    '(set NATS_URL and DATABASE_URL to use others; with neither set, `npx chainmail up` starts both). With Docker:',
    `  docker run -d --name chainmail-nats -p ${portOf(services.natsUrl, 4222)}:4222 nats:2 -js`,
    `  docker run -d --name chainmail-postgres -p ${portOf(services.databaseUrl, 5432)}:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=chainmail postgres:16`,
  ];
}

/** The port of the (first) URL, so the docker lines publish where the URL points. */
function portOf(url: string, fallback: number): number {
  try {
    return Number(new URL(url.split(',')[0].trim()).port) || fallback;
  } catch {
    return fallback;
  }
}
