import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '@chainmail/testing';
import { cpuMsOf } from './cpu';
import type { HeapAnswer } from './heap-probe';
import { round } from './stats';

/** The all-in-one Chainmail process under measurement, on the bench's own NATS server and database. */
export interface ChainmailProcess {
  base: string;
  pid: number;
  /** SIGTERM and wait for the exit (a CPU profile is written then). */
  stop(): Promise<void>;
  /** The JavaScript heap in use after a full garbage collection (see `heap-probe.ts`). */
  heap(): Promise<HeapAnswer>;
}

export interface StartOptions {
  root: string;
  natsUrl: string;
  databaseUrl: string;
  adminToken: string;
  /** Directory for a `--cpu-prof` profile of this process, if any. */
  profileDir?: string;
}

export async function startChainmail(opts: StartOptions): Promise<ChainmailProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = opts.profileDir ? ['--cpu-prof', '--cpu-prof-dir', opts.profileDir] : [];
  const child = spawn(
    process.execPath,
    [
      ...profile,
      '--expose-gc',
      '--require',
      join(opts.root, 'dist', 'bench', 'heap-probe.js'),
      join(opts.root, 'dist', 'services', 'all-in-one', 'main.js'),
    ],
    {
      env: {
        ...process.env,
        NATS_URL: opts.natsUrl,
        DATABASE_URL: opts.databaseUrl,
        PORT: String(port),
        CHAINMAIL_LOG_LEVEL: 'warn',
        CHAINMAIL_ADMIN_TOKEN: opts.adminToken,
        // Every request still counts against the token; the limit sits past what the load sends
        // (16 clients polling every 5 ms is ~200,000 requests a minute).
        CHAINMAIL_RATE_LIMIT_PER_MINUTE: '100000000',
        // The bench sends no mail in: no SMTP listener, so a Chainmail already running is no obstacle.
        CHAINMAIL_SMTP_PORT: '0',
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  child.channel?.unref();
  await waitReady(base, child);
  return {
    base,
    pid: child.pid ?? 0,
    stop: () => stopChild(child),
    heap: () => askHeap(child),
  };
}

function askHeap(child: ChildProcess): Promise<HeapAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('message', onMessage);
      reject(new Error('the Chainmail process did not answer the heap question within 30 s'));
    }, 30_000);
    const onMessage = (message: unknown): void => {
      if ((message as { type?: string }).type !== 'heap') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(message as HeapAnswer);
    };
    child.on('message', onMessage);
    child.send({ type: 'heap' });
  });
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Chainmail process exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error('Chainmail did not become ready within 60 s');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** Resident memory now and its peak over the process's life (VmHWM), from /proc. */
export async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '0')?.[0] ?? 0);
  return { rssMb: round(kb('VmRSS:') / 1024, 1), peakMb: round(kb('VmHWM:') / 1024, 1) };
}

/** The process's CPU time so far (ms): where the bench's phases and settling read it. */
export { cpuMsOf };

/** Waits until the process uses less than `fraction` of a core over a second (bounded by `maxMs`). */
export async function settle(pid: number, fraction = 0.05, maxMs = 30_000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const before = await cpuMsOf(pid);
    await sleep(1000);
    const used = (await cpuMsOf(pid)) - before;
    if (used / 1000 < fraction || Date.now() - started > maxMs) return Date.now() - started;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
