/**
 * The CLI's settings, read once from the environment that `main.ts` hands in. This is the only
 * CLI file that knows environment variable names.
 */
export const DEFAULT_URL = 'http://127.0.0.1:8080';

export interface CliSettings {
  /** Base URL of Chainmail's REST API, without a trailing slash. */
  baseUrl: string;
  /** Bearer token sent on every request, when the server requires one. */
  token?: string;
  /** Colours are allowed by the environment (the TTY check is the renderer's). */
  colorAllowed: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

/** `--url` beats `CHAINMAIL_URL`, which beats the default; `--token` beats `CHAINMAIL_TOKEN` (then the credentials file). */
export function cliSettings(env: Env, flags: { url?: string; token?: string }): CliSettings {
  const url = nonEmpty(flags.url) ?? nonEmpty(env.CHAINMAIL_URL) ?? DEFAULT_URL;
  return {
    baseUrl: url.replace(/\/+$/, ''),
    token: nonEmpty(flags.token) ?? nonEmpty(env.CHAINMAIL_TOKEN),
    // https://no-color.org: any non-empty value disables colour.
    colorAllowed: nonEmpty(env.NO_COLOR) === undefined,
  };
}

/** The environment of a server started by `chainmail up`: the caller's, plus what `up` decides. */
export function serverEnv(
  env: Env,
  options: { port: number; examplesDir: string; adminToken?: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) out[key] = value;
  out.PORT = String(options.port);
  // The admin token `up` made (or was given): the server makes it work at its first start.
  if (options.adminToken !== undefined) out.CHAINMAIL_ADMIN_TOKEN = options.adminToken;
  out.CHAINMAIL_EXAMPLES_DIR = options.examplesDir;
  // With no outbound mail server set, mail goes to the local catcher and can be read at /mailbox.
  const smtpOutSet = nonEmpty(env.CHAINMAIL_SMTP_OUT_URL) ?? nonEmpty(env.CHAINMAIL_SMTP_OUT_HOST);
  if (smtpOutSet === undefined && env.CHAINMAIL_MAIL_CATCHER !== 'false') {
    out.CHAINMAIL_MAIL_CATCHER = 'true';
    out.CHAINMAIL_SMTP_OUT_URL = `smtp://127.0.0.1:${nonEmpty(env.CHAINMAIL_CATCHER_SMTP_PORT) ?? '1025'}`;
  }
  return out;
}

/** Where a server started with this environment receives mail; undefined when inbound SMTP is off. */
export function inboundSmtpUrl(env: Env): string | undefined {
  const port = nonEmpty(env.CHAINMAIL_SMTP_PORT) ?? '2525';
  if (port === '0') return undefined;
  const host = nonEmpty(env.HOST);
  const reachable = host === undefined || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `smtp://${reachable}:${port}`;
}

/** Where NATS and Postgres are expected, for the hint printed when they are not reachable. */
export function backingServices(env: Env): { natsUrl: string; databaseUrl: string } {
  return {
    natsUrl: nonEmpty(env.NATS_URL) ?? 'nats://127.0.0.1:4222',
    databaseUrl: redactPassword(nonEmpty(env.DATABASE_URL) ?? 'postgres://postgres@127.0.0.1:5432/chainmail'),
  };
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
