import type { Command } from 'commander';
import { isRecord } from '../api-types';
import type { CliContext } from '../context';
import type { ActionRunner } from './options';

/** `replay`: rebuild the read models from the event log. */
export function registerAdminCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('replay')
    .description('rebuild the read models (run views, analytics) from the event log')
    .action(() => run(() => replay(ctx)));
}

async function replay(ctx: CliContext): Promise<number> {
  ctx.line('Rebuilding read models from the event log…');
  const report = await ctx.api().replay();
  ctx.line('Read models rebuilt.');
  // The report's fields are the server's to choose (counts, timings): print them as they come.
  if (isRecord(report)) {
    for (const [key, value] of Object.entries(report)) {
      ctx.line(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
    }
  } else if (report !== undefined) {
    ctx.line(`  ${typeof report === 'string' ? report : JSON.stringify(report)}`);
  }
  return 0;
}
