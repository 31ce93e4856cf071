import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { RunCommit, RunEvent } from '@chainmail/contracts';
import { AppendConflict, eventLogNames, RunLog } from '@chainmail/event-log';
import { connect, type NatsConnection } from 'nats';
import type { BenchApi } from './api';
import { hrtimeUs } from './load';
import { settle } from './server';
import { round } from './stats';

export interface RebuildResult {
  /** What the stream held when the replay was asked for. */
  commits: number;
  events: number;
  /** Commits appended by the bench as copies of a real run (the rest came from real runs). */
  copiedCommits: number;
  /** `chainmail replay` started → it said the read models are rebuilt (it waits for that). */
  seconds: number;
  eventsPerSecond: number;
  commitsPerSecond: number;
  /** What the CLI printed (its own count of events and rate last). */
  cliOutput: string[];
  /** `process.hrtime` (µs) at the start and end of the replay, to cut it out of a CPU profile. */
  windowUs?: [number, number];
}

/**
 * Rebuild speed as an operator sees it: tops the log up to `minEvents` with copies of a real run's
 * commits (appended with the event log library, so each keeps the shape and size Chainmail writes),
 * then times `chainmail replay`, which waits until the read models have caught up with the log.
 */
export async function measureRebuild(
  api: BenchApi,
  pid: number,
  opts: {
    root: string;
    natsUrl: string;
    templateRunId: string;
    minEvents: number;
    log: (line: string) => void;
  },
): Promise<RebuildResult> {
  const nc = await connect({ servers: opts.natsUrl });
  try {
    const log = new RunLog(nc);
    const before = await countLog(nc);
    const missing = Math.max(0, opts.minEvents - before.events);
    let copiedCommits = 0;
    if (missing > 0) {
      const template = await log.read(opts.templateRunId);
      const perRun = template.reduce((n, c) => n + c.events.length, 0);
      const copies = Math.ceil(missing / perRun);
      opts.log(
        `  appending ${copies} copies of a ${template.length}-commit run (${copies * perRun} events)…`,
      );
      copiedCommits = await appendCopies(log, template, copies);
    }
    const total = await countLog(nc);
    opts.log(
      `  the log holds ${total.commits} commits, ${total.events} events; waiting for the process to idle…`,
    );
    await settle(pid);

    const startUs = hrtimeUs();
    const t0 = performance.now();
    // The CLI returns once the views' checkpoint in Postgres reaches the log's end (GET /v1/admin/replay).
    const cli = await runCli(opts.root, api, ['replay']);
    const seconds = (performance.now() - t0) / 1000;
    const windowUs: [number, number] = [startUs, hrtimeUs()];
    if (cli.code !== 0) throw new Error(`chainmail replay exited with ${cli.code}: ${cli.output.join('\n')}`);
    // Its word checked once: the run the copies were made of is back in the views, as it ended.
    const copied = await api.run(opts.templateRunId);
    if (copied?.status !== 'succeeded') {
      throw new Error(
        `after chainmail replay, run ${opts.templateRunId} reads ${copied?.status ?? 'missing'}`,
      );
    }
    return {
      commits: total.commits,
      events: total.events,
      copiedCommits,
      seconds: round(seconds, 2),
      eventsPerSecond: Math.round(total.events / seconds),
      commitsPerSecond: Math.round(total.commits / seconds),
      cliOutput: cli.output,
      windowUs,
    };
  } finally {
    await nc.close();
  }
}

/** Copies of a run under new ids, each appended commit by commit as its writer would, 64 at a time. */
async function appendCopies(
  log: RunLog,
  template: { events: RunEvent[] }[],
  copies: number,
): Promise<number> {
  let next = 0;
  let appended = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < copies) {
        next++;
        const runId = randomUUID();
        let prev = 0;
        for (const [i, commit] of template.entries()) {
          const copy: RunCommit = {
            runId,
            prev,
            events: commit.events.map((e) => ({ ...e, runId }) as RunEvent),
          };
          try {
            prev = (await log.append(copy, `${runId}:bench:${i}`)).seq;
          } catch (err) {
            // The process took the copy for a live run and wrote to it first: leave that run to it
            // (the log is counted afterwards, whatever it holds).
            if (err instanceof AppendConflict) break;
            throw err;
          }
          appended++;
        }
      }
    }),
  );
  return appended;
}

/** Commits and events in the run log, read straight from the stream (the bench's own count). */
async function countLog(nc: NatsConnection): Promise<{ commits: number; events: number }> {
  const stream = eventLogNames().runEventsStream;
  const js = nc.jetstream();
  const info = await (await nc.jetstreamManager()).streams.info(stream);
  const commits = info.state.messages;
  if (commits === 0) return { commits, events: 0 };
  const consumer = await js.consumers.get(stream);
  const messages = await consumer.consume({ max_messages: 1000 });
  const decoder = new TextDecoder();
  let seen = 0;
  let events = 0;
  for await (const m of messages) {
    events += (JSON.parse(decoder.decode(m.data)) as RunCommit).events.length;
    if (++seen >= commits || m.info.pending === 0) break;
  }
  messages.stop();
  return { commits: seen, events };
}

async function runCli(
  root: string,
  api: BenchApi,
  args: string[],
): Promise<{ code: number; output: string[] }> {
  const child = spawn(process.execPath, [join(root, 'bin', 'chainmail.js'), ...args], {
    env: { ...process.env, CHAINMAIL_URL: api.base, CHAINMAIL_TOKEN: api.token, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.once('exit', (c) => resolve(c ?? 1)));
  return { code, output: text.split('\n').filter((l) => l.trim() !== '') };
}
