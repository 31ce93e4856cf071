import { isRecord, num, str, type WireRunEvent } from './api-types';
import { clockTime, formatDuration, oneLine, padEnd, type Palette } from './render';

/**
 * A run's events as a readable timeline: one line per event with its time, type, step and the
 * one fact worth seeing at a glance. Field names follow `RunEventMap` in `@chainmail/contracts`;
 * every field is read defensively because the events come off the wire.
 */
export function timelineLine(event: WireRunEvent, palette: Palette): string {
  const step = stepIdOf(event) ?? '';
  const type = palette.paint(typeColour(event.type), padEnd(event.type, 16));
  const detail = eventDetail(event);
  return [palette.paint('dim', clockTime(event.at)), type, padEnd(step, 14), detail].join('  ').trimEnd();
}

export function timelineHeader(runId: string, events: readonly WireRunEvent[]): string {
  const started = events.find((e) => e.type === 'RunStarted');
  if (!started) return `Run ${runId}`;
  const workflow = str(started.data.workflow) ?? '?';
  const version = num(started.data.version);
  return `Run ${runId} · ${workflow}${version !== undefined ? ` v${version}` : ''} · started ${started.at}`;
}

export function stepIdOf(event: WireRunEvent): string | undefined {
  return str(event.data.stepId) ?? (isRecord(event.data.error) ? str(event.data.error.stepId) : undefined);
}

/** `CODE: message`, from a `StepError`-shaped value. */
export function errorText(value: unknown): string {
  if (!isRecord(value)) return typeof value === 'string' ? value : 'unknown error';
  const code = str(value.code);
  const message = str(value.message) ?? '';
  return code ? `${code}: ${message}` : message;
}

export function eventDetail(event: WireRunEvent): string {
  const d = event.data;
  const duration = num(d.durationMs);
  const took = duration !== undefined ? formatDuration(duration) : undefined;
  switch (event.type) {
    case 'RunStarted': {
      const trigger = isRecord(d.trigger) ? str(d.trigger.kind) : str(d.trigger);
      const inputs = isRecord(d.inputs) ? Object.keys(d.inputs) : [];
      return join([
        `${str(d.workflow) ?? '?'} v${num(d.version) ?? '?'}`,
        trigger && `trigger ${trigger}`,
        inputs.length > 0 && `inputs ${inputs.join(', ')}`,
        d.debug === true && 'debug',
      ]);
    }
    case 'StepStarted':
      return join([str(d.agent), attemptText(d)]);
    case 'StepSucceeded':
      return join([took, outputText(d.output), usageText(d.usage)]);
    case 'StepFailed':
      return join([errorText(d.error), attemptText(d), took]);
    case 'StepSkipped':
      return str(d.reason) ?? '';
    case 'StepRetryScheduled': {
      const delay = num(d.delayMs);
      return join([
        delay !== undefined && `retry in ${formatDuration(delay)}`,
        str(d.dueAt) && `at ${str(d.dueAt)}`,
      ]);
    }
    case 'RunTimedOut': {
      const limit = num(d.timeoutMs);
      return join([limit !== undefined && `limit ${formatDuration(limit)}`, took]);
    }
    case 'RunSucceeded':
      return join([took, outputText(d.output)]);
    case 'RunFailed':
      return join([errorText(d.error), took]);
    case 'RunCancelled':
      return join([str(d.reason), str(d.by) && `by ${str(d.by)}`, took]);
    default:
      return genericDetail(d);
  }
}

function attemptText(d: Record<string, unknown>): string | undefined {
  const attempt = num(d.attempt);
  const visit = num(d.visit);
  return (
    join([
      attempt !== undefined && attempt > 1 && `attempt ${attempt}`,
      visit !== undefined && visit > 1 && `visit ${visit}`,
    ]) || undefined
  );
}

function outputText(output: unknown): string | undefined {
  if (typeof output !== 'string') return undefined;
  return `output "${oneLine(output, 60)}"`;
}

function usageText(usage: unknown): string | undefined {
  if (!isRecord(usage)) return undefined;
  const tokens = (num(usage.promptTokens) ?? 0) + (num(usage.completionTokens) ?? 0);
  const cost = num(usage.costUsd);
  return join([tokens > 0 && `${tokens} tokens`, cost !== undefined && `$${cost.toFixed(4)}`]) || undefined;
}

/** For event types this CLI does not know yet: a message or reason if there is one, else the data. */
function genericDetail(d: Record<string, unknown>): string {
  const text = str(d.message) ?? str(d.reason) ?? str(d.action);
  if (text) return oneLine(text, 80);
  const rest = Object.fromEntries(Object.entries(d).filter(([k]) => k !== 'stepId'));
  return Object.keys(rest).length > 0 ? oneLine(JSON.stringify(rest), 80) : '';
}

function typeColour(type: string): 'green' | 'red' | 'cyan' | 'dim' {
  if (type === 'RunSucceeded' || type === 'StepSucceeded') return 'green';
  if (type === 'RunFailed' || type === 'StepFailed' || type === 'RunTimedOut') return 'red';
  if (type === 'RunStarted') return 'cyan';
  return 'dim';
}

function join(parts: Array<string | false | undefined | null | 0>): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' · ');
}
