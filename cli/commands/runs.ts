import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { CliContext } from '../context';
import { exitCodeOf, followRun } from '../follow-run';
import { formatAge, formatDuration, table } from '../render';
import { buildInputs } from '../run-inputs';
import { timelineHeader, timelineLine } from '../run-timeline';
import { collect, positiveInt, type ActionRunner } from './options';

/** `run`, `runs`, `logs`, `cancel`: starting runs and watching them. */
export function registerRunCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('run')
    .description('start a run of a workflow')
    .argument('<name>', 'workflow name')
    .option(
      '-i, --input <key=value>',
      'an input (a string); key:=<json> for a JSON value; repeatable',
      collect,
      [],
    )
    .option('--inputs-file <file.json>', 'inputs from a JSON object (--input wins)')
    .option('--follow', 'show live progress of each step until the run ends')
    .option('--json', 'machine-readable output (with --follow: one event per line)')
    .action((name: string, opts: RunOptions) => run(() => startRun(ctx, name, opts)));

  program
    .command('runs')
    .description('list runs')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--status <status>', 'only runs in this status (running, succeeded, failed, cancelled…)')
    .option('--limit <n>', 'at most this many runs', positiveInt('--limit'))
    .action((opts: { workflow?: string; status?: string; limit?: number }) => run(() => listRuns(ctx, opts)));

  program
    .command('logs')
    .description("a run's event log as a timeline")
    .argument('<run>', 'run id')
    .option('--follow', 'keep printing events as they happen, until the run ends')
    .action((runId: string, opts: { follow?: boolean }) => run(() => logs(ctx, runId, opts.follow === true)));

  program
    .command('cancel')
    .description('cancel a run')
    .argument('<run>', 'run id')
    .action((runId: string) => run(() => cancel(ctx, runId)));
}

interface RunOptions {
  input: string[];
  inputsFile?: string;
  follow?: boolean;
  json?: boolean;
}

async function startRun(ctx: CliContext, name: string, opts: RunOptions): Promise<number> {
  const file = opts.inputsFile
    ? { name: opts.inputsFile, text: await readFile(opts.inputsFile, 'utf8') }
    : undefined;
  const inputs = buildInputs(opts.input, file);
  const runId = await ctx.api().startRun(name, inputs);
  if (!opts.follow) {
    ctx.line(opts.json ? JSON.stringify({ runId }) : runId);
    return 0;
  }
  return exitCodeOf(await followRun(ctx, runId, { json: opts.json }));
}

async function listRuns(
  ctx: CliContext,
  opts: { workflow?: string; status?: string; limit?: number },
): Promise<number> {
  const runs = await ctx.api().listRuns(opts);
  if (runs.length === 0) {
    ctx.line('No runs yet. Start one with `chainmail run NAME`.');
    return 0;
  }
  const now = ctx.io.now();
  const rows = runs.map((r) => [
    r.id,
    r.workflow,
    r.version !== undefined ? `v${r.version}` : '-',
    ctx.palette.status(r.status),
    r.trigger ?? '-',
    formatAge(r.startedAt, now),
    r.durationMs !== undefined ? formatDuration(r.durationMs) : '-',
  ]);
  ctx.io.out(
    table(['RUN', 'WORKFLOW', 'VERSION', 'STATUS', 'TRIGGER', 'STARTED', 'DURATION'], rows, ctx.palette),
  );
  return 0;
}

async function logs(ctx: CliContext, runId: string, follow: boolean): Promise<number> {
  if (!follow) {
    const events = await ctx.api().runEvents(runId);
    ctx.line(timelineHeader(runId, events));
    for (const event of events) ctx.line(timelineLine(event, ctx.palette));
    return 0;
  }
  for await (const event of ctx.api().followRunEvents(runId)) {
    if (event.type === 'RunStarted') ctx.line(timelineHeader(runId, [event]));
    ctx.line(timelineLine(event, ctx.palette));
  }
  return 0;
}

async function cancel(ctx: CliContext, runId: string): Promise<number> {
  await ctx.api().cancelRun(runId);
  ctx.line(`${runId}: cancel requested`);
  return 0;
}
