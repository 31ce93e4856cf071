import { ChainmailApi } from './api-client';
import { cliSettings, type CliSettings } from './config';
import { Palette } from './render';

/**
 * Everything a command touches outside itself. `main.ts` wires it to the process; tests wire it
 * to buffers, so the whole program runs in-process.
 */
export interface CliIO {
  /** Writes text as is (commands add their own newlines). */
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: live lines may be redrawn and colours are allowed. */
  isTTY: boolean;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  now(): Date;
  /** Calls `listener` on Ctrl-C (or SIGTERM); returns a function that stops listening. */
  onInterrupt(listener: () => void): () => void;
  /** Where `up` finds `dist/` and `examples/`; defaults to the package this CLI ships in. */
  repoRoot?: string;
}

/** Bad arguments or flags: exit code 2. */
export class UsageError extends Error {}

export class CliContext {
  readonly palette: Palette;
  private client: ChainmailApi | undefined;

  constructor(
    readonly io: CliIO,
    private readonly globalFlags: () => { url?: string },
  ) {
    this.palette = new Palette(io.isTTY && cliSettings(io.env, {}).colorAllowed);
  }

  settings(): CliSettings {
    return cliSettings(this.io.env, this.globalFlags());
  }

  api(baseUrl?: string): ChainmailApi {
    if (baseUrl !== undefined) return new ChainmailApi(baseUrl, { token: this.settings().token });
    this.client ??= new ChainmailApi(this.settings().baseUrl, { token: this.settings().token });
    return this.client;
  }

  /** Prints one line (or several) to stdout. */
  line(text = ''): void {
    this.io.out(`${text}\n`);
  }

  /** Prints one line to stderr. */
  warn(text: string): void {
    this.io.err(`${text}\n`);
  }
}
