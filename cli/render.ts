import type { ValidationIssue } from './api-types';

/**
 * Terminal formatting: colours (only on a TTY, and never with NO_COLOR), tables, durations.
 * Everything returns strings; writing them is the caller's job.
 */
export type Colour = 'red' | 'green' | 'yellow' | 'cyan' | 'dim' | 'bold';

const CODES: Record<Colour, [number, number]> = {
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  cyan: [36, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export class Palette {
  constructor(readonly enabled: boolean) {}

  paint(colour: Colour, text: string): string {
    if (!this.enabled || text === '') return text;
    const [open, close] = CODES[colour];
    return `\u001b[${open}m${text}\u001b[${close}m`;
  }

  /** Green for success, red for failure, yellow for in-between states. */
  status(status: string): string {
    return this.paint(statusColour(status), status);
  }
}

export function statusColour(status: string): Colour {
  const s = status.toLowerCase();
  if (s === 'succeeded' || s === 'success' || s === 'completed') return 'green';
  if (s === 'failed' || s === 'timedout' || s === 'timed_out' || s === 'timed-out') return 'red';
  if (s === 'cancelled' || s === 'canceled' || s === 'skipped') return 'dim';
  return 'yellow';
}

const ANSI = /\u001b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleLength(text)));
}

/** Columns separated by two spaces; the last column is not padded. */
export function table(headers: string[], rows: string[][], palette: Palette): string {
  const widths = headers.map((h, i) =>
    Math.max(visibleLength(h), ...rows.map((r) => visibleLength(r[i] ?? ''))),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : padEnd(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const head = line(headers.map((h) => palette.paint('bold', h)));
  return [head, ...rows.map(line)].join('\n') + '\n';
}

/** `12 ms`, `1.2 s`, `2 m 05 s`, `1 h 02 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)} m ${pad2(totalSeconds % 60)} s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${pad2(totalMinutes % 60)} m`;
}

/** How long ago `iso` was, relative to `now`: `just now`, `5 s ago`, `3 m ago`, `2 h ago`, `4 d ago`. */
export function formatAge(iso: string | undefined, now: Date): string {
  if (!iso) return '-';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.floor((now.getTime() - then) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86_400)} d ago`;
}

/** The time of day of an ISO timestamp, as recorded (UTC): `12:00:01.234`. */
export function clockTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().slice(11, 23);
}

/** `FILE:LINE:COLUMN: message (hint)`, the shape editors and CI annotate. */
export function issueLine(file: string, issue: ValidationIssue): string {
  const where =
    issue.line !== undefined
      ? `${file}:${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}`
      : issue.path
        ? `${file}: ${issue.path}`
        : file;
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${where}: ${issue.message}${hint}`;
}

/** An issue with no file to point at: `steps.1.agent (3:5): message (hint)`. */
export function issueText(issue: ValidationIssue): string {
  const at =
    issue.line !== undefined
      ? `${issue.line}${issue.column !== undefined ? `:${issue.column}` : ''}`
      : undefined;
  const where = [issue.path, at && (issue.path ? `(${at})` : `line ${at}`)].filter(Boolean).join(' ');
  const hint = issue.hint ? ` (${issue.hint})` : '';
  return `${where ? `${where}: ` : ''}${issue.message}${hint}`;
}

/** Cuts text to one line of at most `max` characters. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
