import type { Command } from 'commander';
import { UsageError, type CliContext } from '../context';
import { formatAge, table } from '../render';
import { positiveInt, type ActionRunner } from './options';

/** `approvals`, `approve`, `reject`, `edit`: what waits for a person, and deciding it. */
export function registerApprovalCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('approvals')
    .description('checkpoints waiting for your decision: the run, step, message, approvers and deadline')
    .option('--workflow <name>', 'only runs of this workflow')
    .option('--limit <n>', 'at most this many checkpoints', positiveInt('--limit'))
    .option('--json', 'machine-readable output')
    .action((opts: { workflow?: string; limit?: number; json?: boolean }) => run(() => approvals(ctx, opts)));

  for (const action of ['approve', 'reject'] as const) {
    program
      .command(action)
      .description(`${action} at a checkpoint the run waits at`)
      .argument('<run>', 'run id')
      .argument('<step>', 'the checkpoint step')
      .option('-m, --comment <text>', 'a comment, recorded with the decision')
      .action((runId: string, stepId: string, opts: { comment?: string }) =>
        run(() =>
          decide(ctx, runId, stepId, {
            action,
            ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
          }),
        ),
      );
  }

  program
    .command('edit')
    .description(
      'answer a checkpoint with new input (the checkpoint\u2019s edit action: usually back to a draft)',
    )
    .argument('<run>', 'run id')
    .argument('<step>', 'the checkpoint step')
    .option('--input <text>', 'the new input (else read from stdin)')
    .option('-m, --comment <text>', 'a comment, recorded with the decision')
    .action((runId: string, stepId: string, opts: { input?: string; comment?: string }) =>
      run(async () => {
        const input = opts.input ?? (await readInput(ctx));
        if (input.trim() === '')
          throw new UsageError('An edit needs the new input: --input TEXT, or the text on stdin.');
        return decide(ctx, runId, stepId, {
          action: 'edit',
          input,
          ...(opts.comment !== undefined ? { comment: opts.comment } : {}),
        });
      }),
    );
}

async function readInput(ctx: CliContext): Promise<string> {
  if (ctx.io.readAll === undefined)
    throw new UsageError('No stdin to read the input from; use --input TEXT.');
  return ctx.io.readAll('The new input (end with Ctrl-D):');
}

const DONE = { approve: 'approved', reject: 'rejected', edit: 'edited' } as const;

async function decide(
  ctx: CliContext,
  runId: string,
  stepId: string,
  decision: { action: 'approve' | 'reject' | 'edit'; input?: string; comment?: string },
): Promise<number> {
  await ctx.api().resolveCheckpoint(runId, stepId, decision);
  ctx.line(`${runId}: ${stepId} ${DONE[decision.action]}`);
  return 0;
}

async function approvals(
  ctx: CliContext,
  opts: { workflow?: string; limit?: number; json?: boolean },
): Promise<number> {
  const waiting = await ctx.api().listApprovals({ workflow: opts.workflow, limit: opts.limit });
  if (opts.json) {
    ctx.line(JSON.stringify(waiting, null, 2));
    return 0;
  }
  if (waiting.length === 0) {
    ctx.line('Nothing waits for a decision.');
    return 0;
  }
  const now = ctx.io.now();
  ctx.io.out(
    table(
      ['RUN', 'WORKFLOW', 'STEP', 'MESSAGE', 'APPROVERS', 'WAITING', 'DEADLINE'],
      waiting.map((a) => [
        a.runId,
        a.workflow,
        a.step,
        a.message,
        a.approvers.join(', ') || '-',
        a.openedAt !== undefined ? formatAge(a.openedAt, now) : '-',
        a.deadline ?? '-',
      ]),
      ctx.palette,
    ),
  );
  ctx.line('');
  ctx.line(
    'Decide with: chainmail approve|reject RUN STEP [-m COMMENT], or chainmail edit RUN STEP --input TEXT',
  );
  return 0;
}
