import type { Command } from 'commander';
import type { CliContext } from '../context';
import type { ActionRunner } from './options';

/** How often `replay` asks how far the rebuild is, and how often it says so. */
const POLL_MS = 100;
const PROGRESS_MS = 2_000;

/** `replay`: rebuild the read models from the event log, and wait until they are. */
export function registerAdminCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('replay')
    .description('rebuild the read models (run views, analytics) from the event log')
    .option('--no-wait', 'return once the rebuild has started')
    .action((opts: { wait: boolean }) => run(() => replay(ctx, opts.wait)));
}

async function replay(ctx: CliContext, wait: boolean): Promise<number> {
  ctx.line('Rebuilding read models from the event log…');
  const started = performance.now();
  const api = ctx.api();
  const { targetSeq } = await api.replay();
  if (!wait) {
    ctx.line(`Started: the read models are rebuilt once they reach log sequence ${targetSeq}.`);
    ctx.line('  follow it with GET /v1/admin/replay');
    return 0;
  }
  let said = performance.now();
  let events = 0;
  for (;;) {
    // The server's checkpoint, not this request's answer: the projector replays in the background.
    const status = await api.replayStatus();
    events = status.appliedEvents;
    // A newer replay (another operator) has a later target: that one covers this one.
    const target = Math.max(targetSeq, status.targetSeq ?? 0);
    if (status.appliedSeq >= target) break;
    if (performance.now() - said >= PROGRESS_MS) {
      said = performance.now();
      const share = target > 0 ? Math.floor((100 * status.appliedSeq) / target) : 100;
      ctx.line(`  ${share}%: ${status.appliedSeq} of ${target} commits, ${events} events`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  const rate = Math.round(events / Math.max(seconds, 0.001));
  ctx.line(
    `Read models rebuilt: ${events} events (${targetSeq} commits) in ${seconds.toFixed(1)} s, ${rate} events/s.`,
  );
  return 0;
}
