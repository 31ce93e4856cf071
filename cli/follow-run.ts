import type { ChainmailApi } from './api-client';
import type { CliContext } from './context';
import { outcomeSummary, RunProgress, type RunOutcome } from './run-progress';

/**
 * Follows a run to its end, printing live progress then the outcome (or, with `json`, one event
 * per line). Returns the outcome, or undefined when the stream ended without one.
 */
export async function followRun(
  ctx: CliContext,
  runId: string,
  options: { json?: boolean; api?: ChainmailApi; signal?: AbortSignal } = {},
): Promise<RunOutcome | undefined> {
  const api = options.api ?? ctx.api();
  // With --json the events themselves are the output; progress only tracks the outcome.
  const write = options.json ? () => undefined : (text: string) => ctx.io.out(text);
  const progress = new RunProgress(write, ctx.palette, ctx.io.isTTY && !options.json);
  for await (const event of api.followRunEvents(runId, options.signal)) {
    if (options.json) ctx.line(JSON.stringify(event));
    progress.onEvent(event);
  }
  if (!options.json && progress.outcome) {
    ctx.line();
    ctx.io.out(outcomeSummary(progress.outcome, ctx.palette));
  }
  return progress.outcome;
}

export function exitCodeOf(outcome: RunOutcome | undefined): number {
  return outcome?.status === 'succeeded' ? 0 : 1;
}
