import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Json } from '../api-types';
import type { CliContext } from '../context';
import { exitCodeOf, followRun } from '../follow-run';
import { buildInputs } from '../run-inputs';
import { collect, positiveInt, type ActionRunner } from './options';

/** How often the session looks at the run while a step works. */
const POLL_MS = 200;
/** Outputs and inputs are shown up to this many characters. */
const SHOWN = 400;

/** `debug`, `pause`, `rewind`, `fork`: step-by-step debugging and going back in a run. */
export function registerDebugCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('debug')
    .description(
      'start a run that pauses before each step: see its resolved input, then step, continue, edit the input or quit',
    )
    .argument('<name>', 'workflow name')
    .option(
      '-i, --input <key=value>',
      'an input (a string); key:=<json> for a JSON value; repeatable',
      collect,
      [],
    )
    .option('--inputs-file <file.json>', 'inputs from a JSON object (--input wins)')
    .option(
      '--break <step>',
      'pause only before this step (repeatable); default: before every step',
      collect,
      [],
    )
    .action((name: string, opts: DebugOptions) => run(() => debugSession(ctx, name, opts)));

  program
    .command('pause')
    .description(
      'pause a running run before its next step, then step it like `debug` does (q leaves it paused)',
    )
    .argument('<run>', 'run id')
    .action((runId: string) =>
      run(async () => {
        await ctx.api().pauseRun(runId);
        ctx.line(`Run ${runId} pauses before its next step (the steps under way finish first).`);
        return debugLoop(ctx, runId);
      }),
    );

  program
    .command('rewind')
    .description('take a failed, cancelled or finished run back to a step and continue it from there')
    .argument('<run>', 'run id')
    .requiredOption('--to <step>', 'the step to go back to')
    .option('--follow', "show the run's log, then live progress until it ends again")
    .action((runId: string, opts: { to: string; follow?: boolean }) =>
      run(() => rewind(ctx, runId, opts.to, opts.follow === true)),
    );

  program
    .command('fork')
    .description("start a new run from a step of a run, with the earlier steps' results carried over")
    .argument('<run>', 'run id')
    .requiredOption('--from <step>', 'the step the new run starts from')
    .option('--version <n>', "the workflow version to run on (default: the run's)", positiveInt('--version'))
    .option('--debug', 'pause the new run before each step')
    .option('--follow', 'show live progress of the new run until it ends')
    .action((runId: string, opts: { from: string; version?: number; debug?: boolean; follow?: boolean }) =>
      run(() => fork(ctx, runId, opts)),
    );
}

interface DebugOptions {
  input: string[];
  inputsFile?: string;
  break: string[];
}

interface RunView {
  status: string;
  pausedAt: { step: string; visit: number; input?: string } | null;
  output: string | null;
  error: { code?: string; message?: string; stepId?: string } | null;
  steps: {
    stepId: string;
    status: string;
    visit: number;
    output: string | null;
    error: { message?: string } | null;
  }[];
}

const ENDED = new Set(['succeeded', 'failed', 'cancelled']);

/**
 * The interactive session: start the run in debug mode, then at each pause show the step and its
 * resolved input and read one command (typed, or piped line by line): `step`, `continue`,
 * `edit` (the next line is the new input; or `edit <text>`), `quit` (the run stays paused).
 */
async function debugSession(ctx: CliContext, name: string, opts: DebugOptions): Promise<number> {
  const file = opts.inputsFile
    ? { name: opts.inputsFile, text: await readFile(opts.inputsFile, 'utf8') }
    : undefined;
  const inputs = buildInputs(opts.input, file);
  const api = ctx.api();
  const breakpoints = opts.break.length > 0 ? opts.break : undefined;
  const runId = await api.startRun(name, inputs, breakpoints ? { breakpoints } : { debug: true });
  ctx.line(
    `Debugging run ${runId} of ${name}: ${breakpoints ? `pauses before ${breakpoints.join(', ')}` : 'pauses before each step'}.`,
  );
  return debugLoop(ctx, runId);
}

/** At each pause of the run: what it waits before, and one command for it; until it ends or `quit`. */
async function debugLoop(ctx: CliContext, runId: string): Promise<number> {
  const api = ctx.api();
  const commands = ctx.io.lines?.()[Symbol.asyncIterator]();
  const shown = new Map<string, string>();
  let handled: string | undefined;
  try {
    for (;;) {
      const view = await nextStop(ctx, runId, handled);
      showFinishedSteps(ctx, view, shown);
      if (ENDED.has(view.status) || view.pausedAt === null) return ended(ctx, runId, view);
      const paused = view.pausedAt;
      handled = `${paused.step}#${paused.visit}`;
      ctx.line();
      ctx.line(`Paused before ${paused.step}${paused.visit > 1 ? ` (visit ${paused.visit})` : ''}.`);
      if (paused.input !== undefined) ctx.line(`  input: ${clip(paused.input)}`);
      const choice = await ask(ctx, commands, paused.input !== undefined);
      if (choice.kind === 'quit') {
        ctx.line(
          `Left run ${runId} paused before ${paused.step}: \`chainmail debug\` another run, or cancel this one with \`chainmail cancel ${runId}\`.`,
        );
        return 0;
      }
      if (choice.kind === 'continue') await api.resumeRun(runId);
      else await api.stepRun(runId, choice.input);
      ctx.line(choice.kind === 'continue' ? '  continuing…' : `  running ${paused.step}…`);
    }
  } finally {
    await commands?.return?.();
  }
}

type Choice = { kind: 'step'; input?: string } | { kind: 'continue' } | { kind: 'quit' };

const MENU = '[s]tep, [c]ontinue, [e]dit input, [q]uit';

async function ask(
  ctx: CliContext,
  commands: AsyncIterator<string> | undefined,
  editable: boolean,
): Promise<Choice> {
  const read = async (prompt: string): Promise<string | undefined> => {
    if (ctx.io.isTTY) ctx.io.err(prompt);
    const next = await commands?.next();
    return next === undefined || next.done === true ? undefined : next.value;
  };
  ctx.line(`  ${MENU}`);
  for (;;) {
    const line = await read('> ');
    if (line === undefined) return { kind: 'quit' };
    const [word = '', ...rest] = line.trim().split(/\s+/);
    switch (word.toLowerCase()) {
      case 's':
      case 'step':
      case '':
        return { kind: 'step' };
      case 'c':
      case 'continue':
        return { kind: 'continue' };
      case 'q':
      case 'quit':
        return { kind: 'quit' };
      case 'e':
      case 'edit': {
        if (!editable) {
          ctx.line('  this step takes no input to edit (only agent and workflow steps do)');
          continue;
        }
        const inline = line.trim().slice(word.length).trim();
        const input = rest.length > 0 ? inline : await read('new input> ');
        if (input === undefined) return { kind: 'quit' };
        return { kind: 'step', input };
      }
      default:
        ctx.line(`  "${line.trim()}" is not a debugger command: ${MENU}`);
    }
  }
}

/** Polls the run until it pauses somewhere other than `handled`, or ends. */
async function nextStop(ctx: CliContext, runId: string, handled: string | undefined): Promise<RunView> {
  const api = ctx.api();
  for (;;) {
    const view = asRunView(await api.getRun(runId));
    if (ENDED.has(view.status)) return view;
    const at = view.pausedAt;
    if (view.status === 'paused' && at !== null && `${at.step}#${at.visit}` !== handled) return view;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function showFinishedSteps(ctx: CliContext, view: RunView, shown: Map<string, string>): void {
  for (const step of view.steps) {
    if (step.status === 'running') continue;
    const key = `${step.visit}:${step.status}`;
    if (shown.get(step.stepId) === key) continue;
    shown.set(step.stepId, key);
    const detail =
      step.status === 'succeeded'
        ? `→ ${clip(step.output ?? '')}`
        : step.status === 'failed'
          ? `: ${step.error?.message ?? ''}`
          : '';
    ctx.line(`  ${step.stepId} ${ctx.palette.status(step.status)} ${detail}`.trimEnd());
  }
}

function ended(ctx: CliContext, runId: string, view: RunView): number {
  ctx.line();
  ctx.line(`Run ${runId} ${ctx.palette.status(view.status)}.`);
  if (view.status === 'succeeded') ctx.line(view.output ?? '');
  else if (view.error) {
    ctx.line(
      `${view.error.code ?? 'ERROR'}${view.error.stepId ? ` at ${view.error.stepId}` : ''}: ${view.error.message ?? ''}`,
    );
    if (view.status === 'failed' && view.error.stepId)
      ctx.line(`Fix it, then: chainmail rewind ${runId} --to ${view.error.stepId}`);
  }
  return view.status === 'succeeded' ? 0 : 1;
}

function asRunView(body: Json): RunView {
  return {
    status: typeof body.status === 'string' ? body.status : 'unknown',
    pausedAt: (body.pausedAt ?? null) as RunView['pausedAt'],
    output: typeof body.output === 'string' ? body.output : null,
    error: (body.error ?? null) as RunView['error'],
    steps: Array.isArray(body.steps) ? (body.steps as RunView['steps']) : [],
  };
}

function clip(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > SHOWN ? `${one.slice(0, SHOWN)}…` : one;
}

async function rewind(ctx: CliContext, runId: string, step: string, follow: boolean): Promise<number> {
  await ctx.api().rewindRun(runId, step);
  ctx.line(`Run ${runId} rewound to ${step}: it continues on its version.`);
  return follow ? exitCodeOf(await followRun(ctx, runId)) : 0;
}

async function fork(
  ctx: CliContext,
  runId: string,
  opts: { from: string; version?: number; debug?: boolean; follow?: boolean },
): Promise<number> {
  const answer = await ctx.api().forkRun(runId, {
    step: opts.from,
    ...(opts.version !== undefined ? { version: opts.version } : {}),
    ...(opts.debug ? { debug: true } : {}),
  });
  const version = typeof answer.version === 'number' ? ` on version ${answer.version}` : '';
  ctx.line(`Run ${String(answer.runId)} forked from ${runId} at ${opts.from}${version}.`);
  return opts.follow === true ? exitCodeOf(await followRun(ctx, String(answer.runId))) : 0;
}
