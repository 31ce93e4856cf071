import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isRecord, str } from '../api-types';
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
    .option(
      '--status <status>',
      'only runs in this status (running, waiting, paused, succeeded, failed, cancelled)',
    )
    .option('--limit <n>', 'at most this many runs', positiveInt('--limit'))
    .action((opts: { workflow?: string; status?: string; limit?: number }) => run(() => listRuns(ctx, opts)));

  program
    .command('logs')
    .description("a run's event log as a timeline")
    .argument('<run>', 'run id')
    .option('--follow', 'keep printing events as they happen, until the run ends')
    .option('--states', 'what each commit changed in the run (time travel: its state after each commit)')
    .action((runId: string, opts: { follow?: boolean; states?: boolean }) =>
      run(() => (opts.states ? states(ctx, runId) : logs(ctx, runId, opts.follow === true))),
    );

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

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** A finished run cannot be cancelled: that is said, with exit code 1, instead of "cancel requested". */
async function cancel(ctx: CliContext, runId: string): Promise<number> {
  const answer = await ctx.api().cancelRun(runId);
  const status = isRecord(answer) ? str(answer.status) : undefined;
  if (status !== undefined && FINISHED.has(status)) {
    ctx.warn(
      `${runId} has already ${status === 'cancelled' ? 'been cancelled' : status}: there is nothing to cancel.`,
    );
    return 1;
  }
  ctx.line(`${runId}: cancel requested`);
  return 0;
}

/** A step as `GET /v1/runs/:id/state` shows it. */
interface StepState {
  stepId: string;
  status: string;
  visit: number;
  attempts: number;
  output: string | null;
  error: { message?: string } | null;
  pending: boolean;
}

/**
 * `logs RUN --states`: the run's state after each commit (folded by the server from the log up
 * to it), shown as what changed since the commit before.
 */
async function states(ctx: CliContext, runId: string): Promise<number> {
  const api = ctx.api();
  const events = await api.runEvents(runId);
  const seqs = [...new Set(events.map((e) => e.seq).filter((s): s is number => s !== undefined))];
  let before: Record<string, unknown> | undefined;
  for (const seq of seqs) {
    const state = await api.runState(runId, seq);
    const types = events.filter((e) => e.seq === seq).map((e) => e.type);
    ctx.line(`#${seq} ${types.join(', ')}`);
    for (const change of stateChanges(before, state)) ctx.line(`    ${change}`);
    before = state;
  }
  return 0;
}

/** What differs between two states of a run, one line per change. */
export function stateChanges(
  before: Record<string, unknown> | undefined,
  after: Record<string, unknown>,
): string[] {
  const changes: string[] = [];
  const paused = (s: Record<string, unknown> | undefined): string | undefined =>
    (s?.pausedAt as { step?: string } | null | undefined)?.step;
  if (before?.status !== after.status) {
    const at = paused(after) !== undefined ? ` before ${paused(after)}` : '';
    changes.push(`run: ${before ? `${String(before.status)} → ` : ''}${String(after.status)}${at}`);
  } else if (paused(before) !== paused(after) && paused(after) !== undefined) {
    changes.push(`run: paused before ${paused(after)}`);
  }
  if (after.output !== null && after.output !== undefined && before?.output !== after.output)
    changes.push(`output: ${clipped(String(after.output))}`);
  const error = after.error as { code?: string; message?: string } | null;
  if (error && JSON.stringify(before?.error ?? null) !== JSON.stringify(error))
    changes.push(`error: ${error.code ?? ''} ${error.message ?? ''}`.trimEnd());
  const old = new Map(((before?.steps ?? []) as StepState[]).map((s) => [s.stepId, s]));
  for (const step of (after.steps ?? []) as StepState[]) {
    const was = old.get(step.stepId);
    const describe = (s: StepState): string =>
      `${s.pending ? 'waiting to run again' : s.status} (visit ${s.visit}, attempt ${s.attempts})`;
    if (was !== undefined && describe(was) === describe(step) && was.output === step.output) continue;
    let line = `${step.stepId}: ${was ? `${describe(was)} → ` : ''}${describe(step)}`;
    if (step.status === 'succeeded' && !step.pending && step.output !== was?.output)
      line += `, output ${clipped(step.output ?? '')}`;
    if (step.status === 'failed' && !step.pending && step.error?.message) line += `: ${step.error.message}`;
    changes.push(line);
  }
  return changes;
}

function clipped(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(one.length > 120 ? `${one.slice(0, 120)}…` : one);
}
