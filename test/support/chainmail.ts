import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createTestDatabase, freePort, startNatsServer } from '@chainmail/testing';

/**
 * Runs the built Chainmail (`dist/`) the way a user does: real processes, a NATS server and a
 * database of the test's own, HTTP on a free port. Tests start all services in one process or
 * each service alone, and may kill -9 and restart any of them.
 */

export const ROOT = resolve(__dirname, '..', '..');
/** The admin token every Chainmail under test starts with (CHAINMAIL_ADMIN_TOKEN); `http()` sends it. */
export const ADMIN_TOKEN = 'cm_e2e0e2e0e2e0e2e0_' + 'e2eAdminTokenOfTheEndToEndTestsE2eAdminToken';
export type ServiceName =
  'all-in-one' | 'ingress' | 'registry' | 'execution' | 'projector' | 'scheduling' | 'notification';

export interface ChainmailUnderTest {
  base: string;
  natsUrl: string;
  databaseUrl: string;
  env: Record<string, string>;
  /** Processes are known by `as` when given at start (a second replica: `start('execution', 'execution-2')`). */
  process(name: ServiceName | string): ChildProcess;
  start(name: ServiceName, as?: string): Promise<void>;
  kill(name: ServiceName | string, signal?: NodeJS.Signals): Promise<void>;
  output(name: ServiceName | string): string;
  stop(): Promise<void>;
}

export async function startChainmail(
  services: ServiceName[] = ['all-in-one'],
  extraEnv: Record<string, string> = {},
): Promise<ChainmailUnderTest> {
  const main = (name: ServiceName): string => join(ROOT, 'dist', 'services', name, 'main.js');
  if (!existsSync(main('all-in-one')))
    throw new Error('dist/ is missing: run `npm run build` before the end-to-end tests');
  const nats = await startNatsServer();
  const db = await createTestDatabase();
  const port = await freePort();
  // Inbound SMTP on a port of its own, so suites running side by side do not fight over 2525.
  const smtpPort = await freePort();
  const env: Record<string, string> = {
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    PORT: String(port),
    CHAINMAIL_LOG_LEVEL: 'warn',
    CHAINMAIL_EXECUTION_ACK_WAIT_MS: '2000',
    CHAINMAIL_SMTP_PORT: String(smtpPort),
    CHAINMAIL_ADMIN_TOKEN: ADMIN_TOKEN,
    // The secrets store's key, as an operator sets it (each Chainmail under test has its own).
    CHAINMAIL_MASTER_KEY: randomBytes(32).toString('base64'),
    ...extraEnv,
  };
  const children = new Map<string, ChildProcess>();
  const logs = new Map<string, string[]>();
  const base = `http://127.0.0.1:${port}`;

  const start = async (name: ServiceName, as: string = name): Promise<void> => {
    const child = spawn(process.execPath, [main(name)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines = logs.get(as) ?? [];
    logs.set(as, lines);
    child.stdout?.on('data', (d: Buffer) => lines.push(d.toString()));
    child.stderr?.on('data', (d: Buffer) => lines.push(d.toString()));
    children.set(as, child);
    if (name === 'all-in-one' || name === 'ingress') await waitReady(base, child, () => lines.join(''));
  };

  const kill = async (name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  };

  for (const name of services) await start(name);

  return {
    base,
    natsUrl: nats.url,
    databaseUrl: db.url,
    env,
    process: (name) => {
      const child = children.get(name);
      if (!child) throw new Error(`${name} was not started`);
      return child;
    },
    start,
    kill,
    output: (name) => (logs.get(name) ?? []).join(''),
    stop: async () => {
      await Promise.all([...children.keys()].map((name) => kill(name, 'SIGTERM')));
      await nats.stop();
      await db.drop();
    },
  };
}

async function waitReady(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`Chainmail exited with code ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Chainmail did not become ready within 30 s:\n${output()}`);
}

/** JSON over HTTP with the status, for assertions; with the admin token unless `token` says otherwise (null: none). */
export async function http<T = unknown>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
  token: string | null = ADMIN_TOKEN,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': contentType }),
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
    },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Sets a secret of the admin (the owner of what the admin publishes), as `chainmail secrets set` does. */
export async function setSecret(
  base: string,
  name: string,
  value: string,
  token: string = ADMIN_TOKEN,
): Promise<void> {
  const res = await fetch(`${base}/v1/secrets/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
    body: value,
  });
  if (res.status !== 200) throw new Error(`setting secret ${name}: ${res.status} ${await res.text()}`);
}

/** Polls until `check` returns a value, or fails with what it saw last. */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
