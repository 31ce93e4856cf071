import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { createTestDatabase, freePort, startNatsServer } from '@chainmail/testing';
import { measureFloor, type Floor } from './floor';
import { round, summarize, type Summary } from './stats';

/**
 * `npm run bench`: the raw floor (JetStream publish-ack, a Postgres commit, append+consume+upsert),
 * then runs of a 4-step workflow of instant builtin agents through the whole stack — HTTP in,
 * JetStream log, execution, projector into Postgres — against a NATS server and a database of its
 * own. Prints a table and saves it as JSON.
 */

interface Options {
  runs: number;
  concurrency: number;
  sequential: number;
  floorSamples: number;
  out: string;
}

const ROOT = resolve(__dirname, '..', '..');

function options(argv: string[]): Options {
  const get = (name: string, fallback: number): number => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const outIndex = argv.indexOf('--out');
  return {
    runs: get('runs', 3000),
    concurrency: get('concurrency', 16),
    sequential: get('sequential', 300),
    floorSamples: get('floor-samples', 500),
    out: outIndex >= 0 ? argv[outIndex + 1] : join(ROOT, 'bench', 'results', 'latest.json'),
  };
}

const TERMINAL = ['RunSucceeded', 'RunFailed', 'RunCancelled', 'RunTimedOut'];

/** The server under measurement starts with this admin token (CHAINMAIL_ADMIN_TOKEN); every call sends it. */
const ADMIN_TOKEN = `cm_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };

/** Watches every commit on `runs.*` and tells when each run ends, with arrival times per commit. */
class RunWatcher {
  private readonly arrivals = new Map<string, number[]>();
  private readonly waiters = new Map<string, (status: string) => void>();
  private readonly finished = new Map<string, string>();
  private readonly decoder = new TextDecoder();

  constructor(nc: NatsConnection) {
    const sub = nc.subscribe('runs.*');
    void (async () => {
      for await (const msg of sub) {
        const now = performance.now();
        // The run id is the subject's last token and the terminal event is found by its type's
        // text: the watcher shares the machine with what it measures, so it parses nothing.
        const runId = msg.subject.slice(msg.subject.indexOf('.') + 1);
        const times = this.arrivals.get(runId) ?? [];
        times.push(now);
        this.arrivals.set(runId, times);
        const text = this.decoder.decode(msg.data);
        const end = TERMINAL.find((type) => text.includes(`"type":"${type}"`));
        if (end) {
          this.finished.set(runId, end);
          this.waiters.get(runId)?.(end);
          this.waiters.delete(runId);
        }
      }
    })();
  }

  done(runId: string): Promise<string> {
    const status = this.finished.get(runId);
    if (status) return Promise.resolve(status);
    return new Promise((resolve) => this.waiters.set(runId, resolve));
  }

  firstArrival(runId: string): number | undefined {
    return this.arrivals.get(runId)?.[0];
  }

  /** Time between consecutive commits of a run: one step's full orchestration cycle. */
  stepGaps(runId: string): number[] {
    const times = this.arrivals.get(runId) ?? [];
    return times.slice(1).map((t, i) => t - times[i]);
  }
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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('Chainmail did not become ready within 60 s');
}

async function memoryOf(pid: number): Promise<{ rssMb: number; peakMb: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number =>
    Number(/\d+/.exec(status.split('\n').find((l) => l.startsWith(key)) ?? '0')?.[0] ?? 0);
  return { rssMb: round(kb('VmRSS:') / 1024, 1), peakMb: round(kb('VmHWM:') / 1024, 1) };
}

async function startRun(base: string, i: number): Promise<string> {
  const res = await fetch(`${base}/v1/workflows/bench-four-steps/runs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...AUTH },
    body: JSON.stringify({ inputs: { user_input: `bench run ${i}` } }),
  });
  if (res.status !== 202) throw new Error(`starting a run answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { runId: string }).runId;
}

async function runMany(
  base: string,
  watcher: RunWatcher,
  count: number,
  concurrency: number,
): Promise<{
  seconds: number;
  latencies: number[];
  runIds: string[];
  failed: number;
  accepted: number[];
  firstCommit: number[];
}> {
  let next = 0;
  let failed = 0;
  const latencies: number[] = [];
  const accepted: number[] = [];
  const firstCommit: number[] = [];
  const runIds: string[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        const runId = await startRun(base, i);
        accepted.push(performance.now() - t);
        if ((await watcher.done(runId)) !== 'RunSucceeded') failed++;
        latencies.push(performance.now() - t);
        firstCommit.push((watcher.firstArrival(runId) ?? t) - t);
        runIds.push(runId);
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, runIds, failed, accepted, firstCommit };
}

async function waitProjected(base: string, runIds: string[]): Promise<number> {
  const t = performance.now();
  const last = runIds[runIds.length - 1];
  for (;;) {
    const res = await fetch(`${base}/v1/runs?workflow=bench-four-steps&status=succeeded&limit=1`, {
      headers: AUTH,
    });
    const body = (await res.json()) as { runs: { id: string }[] };
    const run = await fetch(`${base}/v1/runs/${last}`, { headers: AUTH });
    if (body.runs.length > 0 && run.ok && ((await run.json()) as { status: string }).status === 'succeeded')
      break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return performance.now() - t;
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  const nats = await startNatsServer();
  const db = await createTestDatabase();
  let child: ChildProcess | undefined;
  try {
    process.stdout.write('measuring the floor…\n');
    const floor = await measureFloor(nats.url, db.url, opts.floorSamples);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // `--profile DIR` writes a CPU profile of the Chainmail process there (open it in Chrome DevTools).
    const profileIndex = process.argv.indexOf('--profile');
    const profile = profileIndex >= 0 ? ['--cpu-prof', '--cpu-prof-dir', process.argv[profileIndex + 1]] : [];
    child = spawn(process.execPath, [...profile, join(ROOT, 'dist', 'services', 'all-in-one', 'main.js')], {
      env: {
        ...process.env,
        NATS_URL: nats.url,
        DATABASE_URL: db.url,
        PORT: String(port),
        CHAINMAIL_LOG_LEVEL: 'warn',
        CHAINMAIL_ADMIN_TOKEN: ADMIN_TOKEN,
        // Every request is still counted against the token; the limit is set past what the load sends.
        CHAINMAIL_RATE_LIMIT_PER_MINUTE: '100000000',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    await waitReady(base, child);
    await new Promise((r) => setTimeout(r, 2_000));
    const idle = await memoryOf(child.pid ?? 0);

    const definition = await readFile(join(ROOT, 'bench', 'bench-workflow.yaml'), 'utf8');
    const published = await fetch(`${base}/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...AUTH },
      body: definition,
    });
    if (!published.ok) throw new Error(`publishing the bench workflow failed: ${await published.text()}`);

    const nc = await connect({ servers: nats.url });
    const watcher = new RunWatcher(nc);
    process.stdout.write('warming up…\n');
    await runMany(base, watcher, Math.min(300, opts.runs), opts.concurrency);

    process.stdout.write(`sequential: ${opts.sequential} runs…\n`);
    const sequential = await runMany(base, watcher, opts.sequential, 1);
    const gaps = sequential.runIds.flatMap((id) => watcher.stepGaps(id));

    process.stdout.write(`throughput: ${opts.runs} runs at concurrency ${opts.concurrency}…\n`);
    const loaded = await runMany(base, watcher, opts.runs, opts.concurrency);
    const projectionLagMs = await waitProjected(base, loaded.runIds);
    const memory = await memoryOf(child.pid ?? 0);
    await nc.close();

    const stepOverhead = summarize(gaps);
    const report = {
      at: new Date().toISOString(),
      machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
      floor,
      throughput: {
        runs: opts.runs,
        concurrency: opts.concurrency,
        runsPerSecond: round(opts.runs / loaded.seconds, 1),
        failed: loaded.failed,
        latency: summarize(loaded.latencies),
        /** POST answered (202): the start command is in the COMMANDS stream. */
        accepted: summarize(loaded.accepted),
        /** POST sent → the run's first commit (RunStarted) seen on the log. */
        firstCommit: summarize(loaded.firstCommit),
        stepGap: summarize(loaded.runIds.flatMap((id) => watcher.stepGaps(id))),
        projectionCatchUpMs: round(projectionLagMs, 1),
      },
      sequential: {
        runs: opts.sequential,
        latency: summarize(sequential.latencies),
        failed: sequential.failed,
      },
      stepOverhead: {
        ...stepOverhead,
        p50VsFloor: round(stepOverhead.p50 / floor.appendConsumeUpsert.p50, 2),
        p99VsFloor: round(stepOverhead.p99 / floor.appendConsumeUpsert.p99, 2),
      },
      memory: { idleRssMb: idle.rssMb, peakRssMb: memory.peakMb },
      targets: { runsPerSecond: 600, stepOverheadP50Ms: 2, stepOverheadP99Ms: 10, idleRssMb: 200 },
    };
    printTable(report.floor, report);
    await mkdir(dirname(opts.out), { recursive: true });
    await writeFile(opts.out, JSON.stringify(report, null, 2) + '\n');
    process.stdout.write(`\nsaved ${opts.out}\n`);
  } finally {
    child?.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    await nats.stop();
    await db.drop();
  }
}

function printTable(
  floor: Floor,
  r: {
    throughput: { runsPerSecond: number; latency: Summary; projectionCatchUpMs: number; failed: number };
    sequential: { latency: Summary };
    stepOverhead: Summary & { p50VsFloor: number; p99VsFloor: number };
    memory: { idleRssMb: number; peakRssMb: number };
  },
): void {
  const rows: [string, string, string][] = [
    [
      'floor: JetStream publish-ack (ms)',
      `p50 ${floor.jetstreamPublishAck.p50}  p99 ${floor.jetstreamPublishAck.p99}`,
      '',
    ],
    ['floor: Postgres commit (ms)', `p50 ${floor.postgresCommit.p50}  p99 ${floor.postgresCommit.p99}`, ''],
    [
      'floor: append+consume+upsert (ms)',
      `p50 ${floor.appendConsumeUpsert.p50}  p99 ${floor.appendConsumeUpsert.p99}`,
      '',
    ],
    ['runs/s at concurrency 16', String(r.throughput.runsPerSecond), '≥ 600'],
    ['run latency under load (ms)', `p50 ${r.throughput.latency.p50}  p99 ${r.throughput.latency.p99}`, ''],
    ['failed runs', String(r.throughput.failed), '0'],
    ['read models caught up after (ms)', String(r.throughput.projectionCatchUpMs), ''],
    ['sequential run latency (ms)', `p50 ${r.sequential.latency.p50}  p99 ${r.sequential.latency.p99}`, ''],
    ['per-step overhead (ms)', `p50 ${r.stepOverhead.p50}  p99 ${r.stepOverhead.p99}`, 'p50 ≤ 2, p99 ≤ 10'],
    ['per-step overhead ÷ floor', `p50 ×${r.stepOverhead.p50VsFloor}  p99 ×${r.stepOverhead.p99VsFloor}`, ''],
    ['memory: idle RSS / peak RSS (MB)', `${r.memory.idleRssMb} / ${r.memory.peakRssMb}`, 'idle ≤ 200'],
  ];
  const w0 = Math.max(...rows.map((x) => x[0].length));
  const w1 = Math.max(...rows.map((x) => x[1].length));
  process.stdout.write('\n');
  for (const [a, b, c] of rows) process.stdout.write(`${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
