import { EventEmitter } from 'node:events';
import type { CliIO } from '../context';
import { runCli } from '../main';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HarnessOptions {
  env?: Record<string, string | undefined>;
  isTTY?: boolean;
  repoRoot?: string;
  cwd?: string;
  /** Emit 'interrupt' on it to simulate Ctrl-C. */
  signals?: EventEmitter;
  /** Called with each stdout write, as it happens. */
  onOut?: (text: string) => void;
  /** Lines typed on stdin, one per prompt. */
  stdin?: string[];
}

export const TEST_NOW = new Date('2025-03-01T12:00:00.000Z');

/** Runs the whole commander program in-process, capturing what it writes. */
export async function cli(argv: string[], options: HarnessOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const signals = options.signals ?? new EventEmitter();
  const io: CliIO = {
    out: (text) => {
      stdout += text;
      options.onOut?.(text);
    },
    err: (text) => {
      stderr += text;
    },
    isTTY: options.isTTY ?? false,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    now: () => TEST_NOW,
    onInterrupt(listener) {
      signals.on('interrupt', listener);
      return () => signals.off('interrupt', listener);
    },
    repoRoot: options.repoRoot,
    readLine: async (prompt) => {
      stderr += prompt;
      return options.stdin?.shift();
    },
    lines: async function* () {
      while (options.stdin !== undefined && options.stdin.length > 0) yield options.stdin.shift() ?? '';
    },
    // Piped input: the lines given, each ended by a newline, as a file would be.
    readAll: async () =>
      (options.stdin ?? [])
        .splice(0)
        .map((line) => `${line}\n`)
        .join(''),
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}
