import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createTestDatabase, startNatsServer } from '@chainmail/testing';
import { BenchApi } from './api';
import { startCpuMeter } from './cpu';
import { formatProfileSummary, summarizeProfile, type CpuProfile } from './cpu-profile';
import { measureEngineFloor, measureFloor } from './floor';
import { drive, stepCost, type LoadResult } from './load';
import { OptionsError, parseOptions, type BenchOptions, type Phase } from './options';
import { measureParked } from './parked';
import { measureRebuild } from './rebuild';
import { measureRecovery, type RecoveryReport } from './recovery';
import { formatTable, tableRows, TARGETS, type BenchReport } from './report';
import { memoryOf, settle, startChainmail, type ChainmailProcess } from './server';

/**
 * `npm run bench`: what a user of Chainmail waits for, next to the floor of the same work on the
 * bare infrastructure. The all-in-one process runs on a NATS server and a database of its own and
 * is driven from outside, through the REST API and the CLI only, as any client would.
 */

const ROOT = resolve(__dirname, '..', '..');
const FOUR_STEPS = 'bench-four-steps';
const ONE_STEP = 'bench-one-step';
const CALLED_FOUR = 'bench-called-steps';
const CALLED_ONE = 'bench-called-one';
const PARKED = 'bench-parked';

/** The server under measurement starts with this admin token (CHAINMAIL_ADMIN_TOKEN); every call sends it. */
const ADMIN_TOKEN = `cm_${randomBytes(8).toString('hex')}_${randomBytes(32).toString('base64url')}`;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const c = opts.counts;
  const has = (phase: Phase): boolean => opts.phases.has(phase);
  const nats = await startNatsServer();
  const db = await createTestDatabase();
  let server: ChainmailProcess | undefined;
  const report: BenchReport = {
    at: new Date().toISOString(),
    quick: opts.quick,
    machine: {
      cpus: cpus().length,
      node: process.version,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    targets: TARGETS,
  };
  try {
    if (has('floor')) {
      say('floor: the same work on bare JetStream + Postgres…');
      report.floor = {
        infrastructure: await measureFloor(nats.url, db.url, c.floorSamples),
        engine: await measureEngineFloor(nats.url, db.url, {
          sequential: c.sequentialRuns,
          concurrent: c.concurrentRuns,
          concurrency: opts.concurrency,
        }),
      };
    }

    const needsServer = (['wait', 'poll', 'steps', 'parked', 'rebuild'] as const).some(has);
    if (needsServer) {
      const throughput = has('wait') || has('poll');
      const profileDir =
        opts.profileDir && (throughput || has('rebuild')) ? resolve(opts.profileDir) : undefined;
      if (profileDir) await mkdir(profileDir, { recursive: true });
      const start = (profile?: string): Promise<ChainmailProcess> =>
        startChainmail({
          root: ROOT,
          natsUrl: nats.url,
          databaseUrl: db.url,
          adminToken: ADMIN_TOKEN,
          profileDir: profile,
        });
      server = await start(profileDir);
      await settle(server.pid);
      const idle = await memoryOf(server.pid);
      let api = new BenchApi(server.base, ADMIN_TOKEN, opts.concurrency);
      let pid = server.pid;
      const files = [
        'bench-workflow.yaml',
        'bench-one-step.yaml',
        'bench-called-steps.yaml',
        'bench-called-one.yaml',
        'bench-parked.yaml',
      ];
      for (const file of files) {
        await api.publish(await readFile(join(ROOT, 'bench', file), 'utf8'));
      }
      if (throughput || has('steps')) {
        say(`warming up: ${c.warmupRuns} runs…`);
        await drive(api, FOUR_STEPS, 'wait', c.warmupRuns, opts.concurrency);
      }
      const measure = async (
        mode: 'wait' | 'poll',
      ): Promise<{ sequential: LoadResult; concurrent: LoadResult }> => {
        say(
          `${mode}: ${c.sequentialRuns} runs one at a time, then ${c.concurrentRuns} at concurrency ${opts.concurrency}…`,
        );
        // Each measurement starts from an idle process, not in the tail of the one before.
        await settle(pid);
        const sequential = await drive(api, FOUR_STEPS, mode, c.sequentialRuns, 1);
        await settle(pid);
        const meter = await startCpuMeter(pid);
        const concurrent = await drive(api, FOUR_STEPS, mode, c.concurrentRuns, opts.concurrency);
        return { sequential, concurrent: { ...concurrent, cpu: await meter.perRun(concurrent.runs) } };
      };
      if (has('wait')) report.wait = await measure('wait');
      if (has('poll')) report.poll = await measure('poll');
      if (has('steps')) {
        say(`steps: ${c.stepPairs} pairs of a 1-step and a 4-step run, one at a time…`);
        await settle(pid);
        report.steps = await stepCost(api, ONE_STEP, FOUR_STEPS, c.stepPairs, 'wait');
        say(`steps: the same with an agent that is called (sleep@ 0 ms), not instant…`);
        await settle(pid);
        report.calledSteps = await stepCost(api, CALLED_ONE, CALLED_FOUR, c.stepPairs, 'wait');
      }
      report.memory = {
        idleRssMb: idle.rssMb,
        peakRssMb: (await memoryOf(server.pid)).peakMb,
        profiled: profileDir !== undefined,
      };

      if (profileDir && throughput) {
        // The profile is written when the process exits: stop it, read it, go on with a fresh one.
        const before = new Set(await readdir(profileDir));
        await server.stop();
        const file = (await readdir(profileDir)).find((f) => f.endsWith('.cpuprofile') && !before.has(f));
        if (!file) throw new Error(`no .cpuprofile appeared in ${profileDir}`);
        const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile;
        report.profile = { dir: profileDir, file };
        for (const mode of ['wait', 'poll'] as const) {
          const load = report[mode]?.concurrent;
          if (load)
            report.profile[mode] = summarizeProfile(profile, load.runs, { windowUs: load.windowUs, top: 12 });
        }
        server = await start();
        await settle(server.pid);
        api = new BenchApi(server.base, ADMIN_TOKEN, opts.concurrency);
        pid = server.pid;
      }

      if (has('parked')) {
        say(`parked: ${c.parkedRuns} runs waiting at a checkpoint…`);
        report.parked = await measureParked(api, server.pid, PARKED, c.parkedRuns, {
          concurrency: opts.concurrency,
          idleSeconds: c.idleSeconds,
          log: say,
          heap: () => (server as ChainmailProcess).heap(),
        });
      }
      if (has('rebuild')) {
        say(`rebuild: chainmail replay over at least ${c.rebuildEvents} events…`);
        const template = await api.start(FOUR_STEPS, { user_input: 'replay template' }, true);
        report.rebuild = await measureRebuild(api, server.pid, {
          root: ROOT,
          natsUrl: nats.url,
          templateRunId: template.runId,
          minEvents: c.rebuildEvents,
          log: say,
        });
      }
      await server.stop();
      server = undefined;
      if (profileDir && !throughput && report.rebuild) {
        // Only the rebuild was profiled: the process ran with --cpu-prof from the start.
        // The main thread's: thread id 0 in CPU.<date>.<time>.<pid>.<tid>.<seq> (workers write their own).
        const file = (await readdir(profileDir))
          .filter((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f))
          .sort()
          .pop();
        if (!file) throw new Error(`no .cpuprofile appeared in ${profileDir}`);
        const profile = JSON.parse(await readFile(join(profileDir, file), 'utf8')) as CpuProfile;
        // Per 1,000 events replayed ("runs" in the summary's words).
        const rebuild = summarizeProfile(profile, report.rebuild.events / 1000, {
          windowUs: report.rebuild.windowUs,
          top: 15,
        });
        report.profile = { dir: profileDir, file, rebuild };
      }
    }

    if (has('recovery')) report.recovery = await recovery(opts);

    print(report);
    const out = opts.out ? resolve(opts.out) : join(ROOT, 'bench', 'results', 'latest.json');
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, JSON.stringify(report, null, 2) + '\n');
    say(`\nsaved ${out}`);
  } finally {
    await server?.stop();
    await nats.stop();
    await db.drop();
  }
}

/**
 * The kill -9 recovery measurement (bench/recovery.ts): it runs the services as separate processes
 * on a NATS server and database of its own, since it kills execution.
 */
async function recovery(opts: BenchOptions): Promise<RecoveryReport> {
  say(`recovery: kill -9 of execution with ${opts.quick ? 60 : 300} runs in flight…`);
  return measureRecovery({ runs: opts.quick ? 60 : 300 });
}

function print(report: BenchReport): void {
  say('');
  if (report.quick) say('--quick: small counts, rough figures (a smoke run, not a measurement).');
  say(
    `machine: ${report.machine.cpus} CPUs, node ${report.machine.node}, load average ${report.machine.loadAverage.join(' ')} at the start`,
  );
  for (const line of formatTable(tableRows(report))) say(line);
  const profile = report.profile;
  if (profile) {
    say(`\nCPU profile: ${join(profile.dir, profile.file)}`);
    for (const mode of ['wait', 'poll'] as const) {
      const summary = profile[mode];
      const load = report[mode]?.concurrent;
      if (!summary || !load) continue;
      say(`\n${mode === 'wait' ? 'REST ?wait=true' : 'REST + poll'} at concurrency ${load.concurrency}:`);
      for (const line of formatProfileSummary(summary, load.runs)) say(line);
    }
    if (profile.rebuild && report.rebuild) {
      say(`\nrebuild (figures per 1,000 events):`);
      for (const line of formatProfileSummary(profile.rebuild, report.rebuild.events / 1000)) say(line);
    }
  }
}

main().catch((err: unknown) => {
  if (err instanceof OptionsError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
