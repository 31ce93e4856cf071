import { TERMINAL_EVENT_TYPES } from './api-client';
import { isRecord, num, str, type WireRunEvent } from './api-types';
import { formatDuration, oneLine, padEnd, type Palette } from './render';
import { errorText, eventDetail, stepIdOf } from './run-timeline';

/** How a followed run ended. */
export interface RunOutcome {
  status: 'succeeded' | 'failed' | 'cancelled' | 'timed out';
  durationMs?: number;
  output?: string;
  /** Why it did not succeed. */
  reason?: string;
}

/** Event types that say nothing a person following the run needs to see. */
const QUIET = new Set(['StepScheduled']);

/** Lines erase-and-rewrite: move up one line, clear it. */
const REDRAW = '\u001b[1A\u001b[2K';

/**
 * Live progress of a run: a line per finished step (`✓ research  research@  succeeded  12 ms`)
 * and, on a terminal, a "running" line that the finished line replaces.
 */
export class RunProgress {
  private readonly agents = new Map<string, string>();
  private stepWidth = 12;
  private agentWidth = 12;
  private startedAt: number | undefined;
  /** The step whose "running" line is the last line printed, if any. */
  private runningLine: string | undefined;
  outcome: RunOutcome | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly palette: Palette,
    private readonly live: boolean,
  ) {}

  onEvent(event: WireRunEvent): void {
    const d = event.data;
    const stepId = stepIdOf(event);
    switch (event.type) {
      case 'RunStarted':
        this.startedAt = Date.parse(event.at);
        this.print(
          this.palette.paint(
            'dim',
            `Run ${event.runId} · ${str(d.workflow) ?? '?'} v${num(d.version) ?? '?'}`,
          ),
        );
        return;
      case 'StepStarted': {
        if (stepId === undefined) return;
        const agent = str(d.agent);
        if (agent) this.agents.set(stepId, agent);
        if (this.live) {
          this.print(this.stepLine('…', 'yellow', stepId, 'running', undefined, attemptNote(d)));
          this.runningLine = stepId;
        }
        return;
      }
      case 'StepSucceeded':
        return this.finishStep(stepId, '✓', 'green', 'succeeded', num(d.durationMs), attemptNote(d));
      case 'StepFailed':
        return this.finishStep(
          stepId,
          '✗',
          'red',
          'failed',
          num(d.durationMs),
          join(attemptNote(d), errorText(d.error)),
        );
      case 'StepSkipped':
        return this.finishStep(stepId, '↷', 'dim', 'skipped', undefined, str(d.reason));
      case 'StepRetryScheduled': {
        const delay = num(d.delayMs);
        return this.finishStep(
          stepId,
          '↻',
          'yellow',
          'retrying',
          undefined,
          delay === undefined ? undefined : `in ${formatDuration(delay)}`,
        );
      }
      case 'CheckpointOpened': {
        // The run waits for a person: say for whom, and how to answer from here.
        const approvers = Array.isArray(d.approvers) ? d.approvers.filter((a) => typeof a === 'string') : [];
        const message = str(d.message);
        const note = join(
          message !== undefined ? `"${message}"` : undefined,
          approvers.length > 0 ? `approvers: ${approvers.join(', ')}` : undefined,
        );
        this.finishStep(stepId, '⏸', 'yellow', 'waiting', undefined, note);
        if (stepId !== undefined)
          this.print(
            this.palette.paint('dim', `  decide: chainmail approve|reject|edit ${event.runId} ${stepId}`),
          );
        return;
      }
      default:
        if (TERMINAL_EVENT_TYPES.has(event.type)) return this.finishRun(event);
        if (QUIET.has(event.type)) return;
        this.print(
          this.palette.paint('dim', `· ${join(stepId, event.type, eventDetail(event)) ?? event.type}`),
        );
    }
  }

  private finishStep(
    stepId: string | undefined,
    symbol: string,
    colour: 'green' | 'red' | 'yellow' | 'dim',
    status: string,
    durationMs: number | undefined,
    note: string | undefined,
  ): void {
    if (stepId === undefined) return;
    const redraw = this.live && this.runningLine === stepId;
    this.print(this.stepLine(symbol, colour, stepId, status, durationMs, note), redraw);
  }

  private finishRun(event: WireRunEvent): void {
    const d = event.data;
    const end = Date.parse(event.at);
    const durationMs =
      num(d.durationMs) ??
      (this.startedAt !== undefined && !Number.isNaN(end) ? end - this.startedAt : undefined);
    if (event.type === 'RunSucceeded') {
      this.outcome = {
        status: 'succeeded',
        durationMs,
        output: typeof d.output === 'string' ? d.output : undefined,
      };
    } else if (event.type === 'RunFailed') {
      const step = isRecord(d.error) ? str(d.error.stepId) : undefined;
      this.outcome = { status: 'failed', durationMs, reason: join(step, errorText(d.error)) };
    } else if (event.type === 'RunCancelled') {
      const by = str(d.by);
      this.outcome = { status: 'cancelled', durationMs, reason: join(str(d.reason), by && `by ${by}`) };
    } else {
      const limit = num(d.timeoutMs);
      const reason = join(
        limit === undefined ? undefined : `limit ${formatDuration(limit)}`,
        str(d.stepId) && `at ${str(d.stepId)}`,
      );
      this.outcome = { status: 'timed out', durationMs, reason };
    }
  }

  private stepLine(
    symbol: string,
    colour: 'green' | 'red' | 'yellow' | 'dim',
    stepId: string,
    status: string,
    durationMs: number | undefined,
    note: string | undefined,
  ): string {
    this.stepWidth = Math.max(this.stepWidth, stepId.length);
    const agent = this.agents.get(stepId) ?? '';
    this.agentWidth = Math.max(this.agentWidth, agent.length);
    const cells = [
      this.palette.paint(colour, symbol),
      padEnd(stepId, this.stepWidth),
      this.palette.paint('dim', padEnd(agent, this.agentWidth)),
      this.palette.paint(colour, padEnd(status, 9)),
      padEnd(durationMs !== undefined ? formatDuration(durationMs) : '', 8),
      note ? this.palette.paint('dim', oneLine(note, 100)) : '',
    ];
    return cells.join(' ').trimEnd();
  }

  private print(line: string, redraw = false): void {
    this.write(`${redraw ? REDRAW : ''}${line}\n`);
    this.runningLine = undefined;
  }
}

/** The closing lines of a followed run: its status and total time, then its output or why it stopped. */
export function outcomeSummary(outcome: RunOutcome, palette: Palette): string {
  const succeeded = outcome.status === 'succeeded';
  const took =
    outcome.durationMs !== undefined
      ? ` ${succeeded ? 'in' : 'after'} ${formatDuration(outcome.durationMs)}`
      : '';
  if (succeeded) {
    const head = palette.paint('green', `✓ Run succeeded${took}`);
    return outcome.output !== undefined ? `${head}\n\n${outcome.output.replace(/\n*$/, '')}\n` : `${head}\n`;
  }
  const reason = outcome.reason ? `: ${outcome.reason}` : '';
  return `${palette.paint('red', `✗ Run ${outcome.status}${took}${reason}`)}\n`;
}

function attemptNote(d: Record<string, unknown>): string | undefined {
  const attempt = num(d.attempt);
  const visit = num(d.visit);
  return join(
    attempt !== undefined && attempt > 1 ? `attempt ${attempt}` : undefined,
    visit !== undefined && visit > 1 ? `visit ${visit}` : undefined,
  );
}

function join(...parts: Array<string | undefined>): string | undefined {
  const kept = parts.filter((p): p is string => p !== undefined && p !== '');
  return kept.length > 0 ? kept.join(' · ') : undefined;
}
