import { ChainmailApi } from './api-client';
import { cliSettings, type CliSettings } from './config';
import { CredentialStore } from './credentials';
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
  /** Reads one line typed (or piped) on stdin, after printing `prompt` to stderr; undefined at end of input. */
  readLine?(prompt: string): Promise<string | undefined>;
  /** stdin line by line, for a session that reads many (typed or piped); ends at end of input. */
  lines?(): AsyncIterable<string>;
  /** Reads stdin to its end (a secret's value, piped or typed then Ctrl-D), after printing `prompt` to stderr on a terminal. */
  readAll?(prompt: string): Promise<string>;
}

/** Bad arguments or flags: exit code 2. */
export class UsageError extends Error {}

export class CliContext {
  readonly palette: Palette;
  readonly credentials: CredentialStore;
  private client: ChainmailApi | undefined;

  constructor(
    readonly io: CliIO,
    private readonly globalFlags: () => { url?: string; token?: string },
  ) {
    this.palette = new Palette(io.isTTY && cliSettings(io.env, {}).colorAllowed);
    this.credentials = CredentialStore.fromEnv(io.env);
  }

  /** The URL and the token: `--token`, else `CHAINMAIL_TOKEN`, else the one saved for that URL. */
  settings(): CliSettings {
    const settings = cliSettings(this.io.env, this.globalFlags());
    return { ...settings, token: settings.token ?? this.credentials.get(settings.baseUrl)?.token };
  }

  /** A token given for this command: `--token` or `CHAINMAIL_TOKEN` (not the saved one). */
  givenToken(): string | undefined {
    return cliSettings(this.io.env, this.globalFlags()).token;
  }

  /** Where the token of `settings()` comes from: `--token`, CHAINMAIL_TOKEN, the credentials file, or nowhere. */
  tokenSource(): 'flag' | 'env' | 'saved' | undefined {
    const flag = this.globalFlags().token;
    if (flag !== undefined && flag !== '') return 'flag';
    if (cliSettings(this.io.env, {}).token !== undefined) return 'env';
    return this.credentials.get(this.settings().baseUrl) !== undefined ? 'saved' : undefined;
  }

  /** The token for another server than the configured one (`up --port`): given, else saved for it. */
  tokenFor(baseUrl: string): string | undefined {
    return this.givenToken() ?? this.credentials.get(baseUrl)?.token;
  }

  api(baseUrl?: string, token?: string): ChainmailApi {
    if (baseUrl !== undefined) return new ChainmailApi(baseUrl, { token: token ?? this.tokenFor(baseUrl) });
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
