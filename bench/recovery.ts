import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { RunLog } from '@chainmail/event-log';
import { createTestDatabase, freePort, startNatsServer } from '@chainmail/testing';

/**
 * `node dist/bench/recovery.js`: how soon runs go on after execution dies. Each service runs in
 * its own process against a NATS server and a database of its own; `runs` runs of a three-step
 * workflow are started, execution is killed -9 while they are in flight and started again. The
 * log is the judge: seconds from the restart to the last run's end (by the commits' own times),
 * runs that never ended, and step visits that succeeded more than once.
 */

export interface RecoveryOptions {
  runs: number;
  /** Execution's ack wait; absent: the product's default. */
  ackWaitMs?: number;
  /** How long runs may take to end after the restart before they count as lost. */
  giveUpMs: number;
}

export interface RecoveryReport {
  at: string;
  runs: number;
  /** Runs not ended when execution was killed. */
  inFlightAtKill: number;
  /** Restart of execution → the last run's terminal commit (its own timestamp). */
  restartToAllFinishedS: number | null;
  /** Restart of execution → the first commit appended after it. */
  restartToFirstCommitS: number | null;
  /** Runs with no terminal event within `giveUpMs` of the restart. */
  lost: number;
  /** Runs that ended other than succeeded. */
  failed: number;
  /** StepSucceeded events beyond the first for one step visit, over all runs. */
  duplicates: number;
}

const ROOT = resolve(__dirname, '..', '..');
const ADMIN_TOKEN = `cm_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;
const AUTH = { authorization: `Bearer ${ADMIN_TOKEN}` };
const TERMINAL = ['RunSucceeded', 'RunFailed', 'RunCancelled', 'RunTimedOut'];
const WORKFLOW = [
  'name: recovery-bench',
  'steps:',
  '  - name: first',
  '    agent: sleep@',
  '    input: "300"',
  '  - name: second',
  '    agent: sleep@',
  '    input: "300"',
  '  - name: third',
  '    agent: echo@',
  '    input: "{{first.output}}, {{second.output}}"',
  '',
].join('\n');

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every commit's arrival on `runs.*`, and which runs have ended (the type's text: no parsing). */
class Watcher {
  readonly ended = new Set<string>();
  readonly arrivals: number[] = [];
  private readonly decoder = new TextDecoder();

  constructor(nc: NatsConnection) {
    const sub = nc.subscribe('runs.*');
    void (async () => {
      for await (const msg of sub) {
        this.arrivals.push(Date.now());
        const text = this.decoder.decode(msg.data);
        if (TERMINAL.some((type) => text.includes(`"type":"${type}"`)))
          this.ended.add(msg.subject.slice(msg.subject.indexOf('.') + 1));
      }
    })();
  }
}

export async function measureRecovery(options: Partial<RecoveryOptions> = {}): Promise<RecoveryReport> {
  const opts: RecoveryOptions = { runs: 300, giveUpMs: 120_000, ...options };
  const nats = await startNatsServer();
  const db = await createTestDatabase();
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    PORT: String(port),
    CHAINMAIL_LOG_LEVEL: 'error',
    CHAINMAIL_ADMIN_TOKEN: ADMIN_TOKEN,
    CHAINMAIL_SMTP_PORT: '0',
    CHAINMAIL_RATE_LIMIT_PER_MINUTE: '100000000',
    ...(opts.ackWaitMs !== undefined ? { CHAINMAIL_EXECUTION_ACK_WAIT_MS: String(opts.ackWaitMs) } : {}),
  };
  const children = new Map<string, ChildProcess>();
  const start = (name: string): void => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'services', name, 'main.js')], {
      env,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    children.set(name, child);
  };
  let nc: NatsConnection | undefined;
  try {
    for (const name of ['registry', 'execution', 'projector', 'ingress']) start(name);
    await waitReady(base, children.get('ingress') as ChildProcess);
    const published = await fetch(`${base}/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml', ...AUTH },
      body: WORKFLOW,
    });
    if (!published.ok) throw new Error(`publishing the workflow failed: ${await published.text()}`);

    nc = await connect({ servers: nats.url });
    const watcher = new Watcher(nc);
    const runIds = await startRuns(base, opts.runs);
    const inFlightAtKill = runIds.filter((id) => !watcher.ended.has(id)).length;
    await kill(children.get('execution') as ChildProcess);
    await sleep(300);
    const restartedAt = Date.now();
    const commitsBefore = watcher.arrivals.length;
    start('execution');

    const deadline = restartedAt + opts.giveUpMs;
    while (Date.now() < deadline && runIds.some((id) => !watcher.ended.has(id))) await sleep(100);

    const log = new RunLog(nc);
    let lost = 0;
    let failed = 0;
    let duplicates = 0;
    let lastEnd = 0;
    for (const runId of runIds) {
      const events = (await log.read(runId)).flatMap((c) => c.events);
      const end = events.find((e) => TERMINAL.includes(e.type));
      if (end === undefined) {
        lost++;
        continue;
      }
      if (end.type !== 'RunSucceeded') failed++;
      lastEnd = Math.max(lastEnd, Date.parse(end.at));
      const visits = events
        .filter((e) => e.type === 'StepSucceeded')
        .map((e) => {
          const data = e.data as { stepId: string; visit: number };
          return `${data.stepId}#${data.visit}`;
        });
      duplicates += visits.length - new Set(visits).size;
    }
    const firstAfter = watcher.arrivals[commitsBefore];
    return {
      at: new Date().toISOString(),
      runs: opts.runs,
      inFlightAtKill,
      restartToAllFinishedS: lost === 0 ? seconds(lastEnd - restartedAt) : null,
      restartToFirstCommitS: firstAfter !== undefined ? seconds(firstAfter - restartedAt) : null,
      lost,
      failed,
      duplicates,
    };
  } finally {
    await nc?.close();
    await Promise.all([...children.values()].map((child) => kill(child, 'SIGTERM')));
    await nats.stop();
    await db.drop();
  }
}

/** Starts `count` runs, 32 requests at a time; their ids in order. */
async function startRuns(base: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < count) {
        next++;
        const res = await fetch(`${base}/v1/workflows/recovery-bench/runs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...AUTH },
          body: '{}',
        });
        if (res.status !== 202) throw new Error(`starting a run answered ${res.status}: ${await res.text()}`);
        ids.push(((await res.json()) as { runId: string }).runId);
      }
    }),
  );
  return ids;
}

async function waitReady(base: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`ingress exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error('Chainmail did not become ready within 60 s');
}

async function kill(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

function seconds(ms: number): number {
  return Math.round(ms / 10) / 100;
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  const number = (name: string): number | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  measureRecovery({
    ...(number('runs') !== undefined ? { runs: number('runs') } : {}),
    ...(number('ack-wait-ms') !== undefined ? { ackWaitMs: number('ack-wait-ms') } : {}),
  })
    .then((report) => process.stdout.write(`${JSON.stringify(report, null, 2)}\n`))
    .catch((err: unknown) => {
      process.stderr.write(`recovery bench failed: ${(err as Error).stack ?? String(err)}\n`);
      process.exit(1);
    });
}
