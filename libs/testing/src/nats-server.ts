import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { freePort } from './free-port';
import { executableSearchPath } from './test-env';

export interface NatsServerHandle {
  url: string;
  port: number;
  /** JetStream's store: survives `stop` and `restart`; removed by `destroy` or when this process exits. */
  storeDir: string;
  /** Ends the server (SIGTERM: graceful; SIGKILL: a crash) and waits for it to exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it if running, then starts it again on the same port and store. */
  restart(): Promise<void>;
  /** Stops it and removes its store. */
  destroy(): Promise<void>;
}

/** What this process started, so nothing outlives it even when a test forgets `destroy()`. */
const leftovers = new Map<string, () => ChildProcess | undefined>();
let exitHookInstalled = false;

function cleanUpOnExit(storeDir: string, current: () => ChildProcess | undefined): void {
  leftovers.set(storeDir, current);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [dir, child] of leftovers) {
      child()?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

/** Directories searched after PATH: distribution packages put the binary in sbin. */
const EXTRA_DIRS = ['/usr/sbin', '/usr/local/sbin', '/usr/local/bin', '/usr/bin', '/opt/nats'];

export function findNatsServer(): string {
  const dirs = [...executableSearchPath(), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, 'nats-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  throw new Error('nats-server not found on PATH or in /usr/sbin, /usr/local/bin: install NATS server 2.9+.');
}

/**
 * A private JetStream server on a free port with a temporary store, for tests that kill and
 * restart NATS. The shared test server is never touched.
 */
export async function startNatsServer(): Promise<NatsServerHandle> {
  const binary = findNatsServer();
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'chainmail-nats-'));
  const url = `nats://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const proc = spawn(binary, ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    proc.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    });
    child = proc;
    try {
      await waitUntilReady(url, proc);
    } catch (err) {
      proc.kill('SIGKILL');
      throw new Error(`nats-server on port ${port} did not start: ${(err as Error).message}\n${output}`);
    }
  };

  const stop = async (signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  cleanUpOnExit(storeDir, () => child);
  await start();
  return {
    url,
    port,
    storeDir,
    stop,
    restart: async () => {
      await stop();
      await start();
    },
    destroy: async () => {
      await stop('SIGKILL');
      rmSync(storeDir, { recursive: true, force: true });
      leftovers.delete(storeDir);
    },
  };
}

/** Ready means JetStream answers, not merely that the port accepts connections. */
async function waitUntilReady(url: string, proc: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null)
      throw new Error(`exited (${proc.exitCode ?? proc.signalCode})`);
    try {
      const nc = await connect({ servers: url, reconnect: false, timeout: 1_000 });
      try {
        const jsm = await nc.jetstreamManager();
        await jsm.getAccountInfo();
        return;
      } finally {
        await nc.close();
      }
    } catch (err) {
      lastError = err;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(
    `not ready after ${timeoutMs} ms: ${(lastError as Error | undefined)?.message ?? 'unknown'}`,
  );
}
