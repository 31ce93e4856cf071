import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ApiError, ServerUnreachable, type ChainmailApi, type Readiness } from '../api-client';
import { backingServices, DEFAULT_URL, inboundSmtpUrl, serverEnv } from '../config';
import type { CliContext } from '../context';
import { generateToken } from '../credentials';
import { localMasterKeyFile } from '../master-key-file';
import { apiErrorText } from '../errors';
import { exitCodeOf, followRun } from '../follow-run';
import { LocalServer } from '../local-server';
import {
  DependencyFailed,
  hostPort,
  listening,
  localDataDir,
  onPath,
  startNats,
  startPostgres,
  type StartedDependency,
} from '../local-deps';
import { modelServerEnv, type ModelOptions } from '../model-binding';
import { parseMailbox } from '../mailbox-types';
import { findPackageRoot } from '../package-root';
import { backingServicesHint, failingChecks } from '../readiness';
import { positiveInt, type ActionRunner } from './options';

export const DEMO_WORKFLOW = 'competitor-analysis';
export const DEMO_INPUTS = { user_input: 'Analyze our competitors in the CRM space' };
const SERVER_ENTRY = join('dist', 'services', 'all-in-one', 'main.js');
const POLL_MS = 200;

interface UpOptions extends ModelOptions {
  /** `--port`, else `PORT`, else 8080. */
  port?: number;
  demo: boolean;
  detach?: boolean;
  wait: number;
}

/** `up`: start every service in one process, publish the examples, run a demo, stay in the foreground. */
export function registerUpCommand(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('up')
    .description(
      'start Chainmail locally (and NATS and Postgres when none is running), publish the examples and run a demo',
    )
    .option('--port <port>', 'HTTP port of the API (default: $PORT or 8080)', portNumber)
    .option('--no-demo', 'skip the demo run')
    .option('--detach', 'leave the server running in the background and return')
    .option('--wait <seconds>', 'how long to wait for the server to be ready', positiveInt('--wait'), 60)
    .option(
      '--model <url>',
      'bind research@, summarize@, write-report@ and proofread@ to this OpenAI-compatible API',
    )
    .option('--model-name <name>', 'the model those agents use (default: gpt-4o-mini)')
    .option('--api-key-env <var>', 'the environment variable holding the API key for --model')
    .action((opts: UpOptions) => run(() => up(ctx, opts)));
}

async function up(ctx: CliContext, given: UpOptions): Promise<number> {
  const envPort = ctx.io.env.PORT === undefined || ctx.io.env.PORT === '' ? undefined : ctx.io.env.PORT;
  let port = given.port ?? 8080;
  if (given.port === undefined && envPort !== undefined) {
    try {
      port = portNumber(envPort);
    } catch {
      ctx.warn(`PORT=${envPort} is not a port number (1-65535): set PORT to one, or pass --port.`);
      return 2;
    }
  }
  const opts = { ...given, port };
  const root = ctx.io.repoRoot ?? findPackageRoot();
  if (root === undefined) {
    ctx.warn('Cannot find the Chainmail package this CLI belongs to.');
    return 1;
  }
  const entry = join(root, SERVER_ENTRY);
  if (!existsSync(entry)) {
    ctx.warn(`Chainmail is not built: ${SERVER_ENTRY} is missing in ${root}.`);
    ctx.warn(`Run \`npm run build\` there, then \`npx chainmail up\` again.`);
    return 1;
  }
  const url = `http://127.0.0.1:${opts.port}`;
  const modelEnv = modelServerEnv(ctx.io.env, opts);

  const before = await readiness(ctx.api(url));
  if (before?.ready) {
    const api = ctx.api(url);
    ctx.line(`Chainmail is already running at ${url}.`);
    if (ctx.tokenFor(url) === undefined) {
      ctx.warn(
        `No API token is saved for ${url}: \`npx chainmail login --url ${url}\` with one (its first start logged it).`,
      );
      return 0;
    }
    if (opts.model !== undefined)
      ctx.warn(
        '--model applies when Chainmail starts: stop it first, or bind agents with `npx chainmail agents apply -f FILE`.',
      );
    if (opts.demo) await demo(ctx, api);
    await mailIn(ctx, api);
    await mailOut(ctx, api, url);
    await consoleAt(ctx, url);
    nextSteps(ctx, url);
    return 0;
  }
  if (before) {
    ctx.warn(
      `Something already answers at ${url} (GET /readyz → ${before.status}); choose another port with --port.`,
    );
    return 1;
  }

  let deps: BackingServices;
  try {
    deps = await ensureBackingServices(ctx);
  } catch (err) {
    if (!(err instanceof DependencyFailed)) throw err;
    ctx.warn(`${ctx.palette.paint('red', 'error:')} ${err.message}`);
    return 1;
  }
  try {
    return await startServer(ctx, opts, root, entry, url, modelEnv, deps);
  } finally {
    if (opts.detach) for (const dep of deps.started) dep.release();
    else await stopDependencies(ctx, deps.started);
  }
}

async function startServer(
  ctx: CliContext,
  opts: UpOptions & { port: number },
  root: string,
  entry: string,
  url: string,
  modelEnv: Record<string, string>,
  deps: BackingServices,
): Promise<number> {
  const stateDir = join(root, '.chainmail');
  if (opts.detach) mkdirSync(stateDir, { recursive: true });
  const pidFile = join(stateDir, 'server.pid');
  const logFile = opts.detach ? join(stateDir, 'server.log') : undefined;
  const credentials = upCredentials(ctx, url);
  const api = ctx.api(url, credentials.clientToken);
  const masterKey = localMasterKeyFile(ctx.io.env);
  ctx.line(`Starting Chainmail at ${url}…`);
  const server = LocalServer.start({
    entry,
    cwd: root,
    env: {
      ...serverEnv(ctx.io.env, {
        port: opts.port,
        examplesDir: join(root, 'examples'),
        adminToken: credentials.adminToken,
      }),
      ...deps.env,
      // Secrets are sealed under this key; it stays on this machine, away from the database.
      ...(masterKey !== undefined ? { CHAINMAIL_MASTER_KEY_FILE: masterKey.path } : {}),
      ...modelEnv,
    },
    logFile,
  });
  if (opts.detach && server.pid !== undefined) writeFileSync(pidFile, `${server.pid}\n`);

  const interrupted = new AbortController();
  const stopListening = ctx.io.onInterrupt(() => interrupted.abort());
  try {
    const ready = await waitUntilReady(ctx, api, server, opts.wait * 1000, interrupted.signal);
    if (!ready) {
      await server.stop();
      if (opts.detach) rmSync(pidFile, { force: true });
      return interrupted.signal.aborted ? 130 : 1;
    }
    ctx.line(`${ctx.palette.paint('green', '✓')} Chainmail is ready at ${url}`);
    credentials.savedIn = credentials.save?.();
    announceToken(ctx, url, credentials);
    if (masterKey?.created === true)
      ctx.line(
        ctx.palette.paint(
          'dim',
          `  Secrets master key created in ${masterKey.path} (keep it: secrets cannot be read without it).`,
        ),
      );
    const modelUrl = modelEnv.CHAINMAIL_MODEL_URL ?? ctx.io.env.CHAINMAIL_MODEL_URL;
    if (modelUrl)
      ctx.line(
        `  research@, summarize@, write-report@, proofread@ answer with ${modelEnv.CHAINMAIL_MODEL_NAME ?? ctx.io.env.CHAINMAIL_MODEL_NAME ?? 'gpt-4o-mini'} at ${modelUrl} (chainmail agents)`,
      );
    if (opts.demo) await demo(ctx, api, interrupted.signal);
    if (interrupted.signal.aborted) return await stopServer(ctx, server, 130);
    await mailIn(ctx, api);
    await mailOut(ctx, api, url);
    await consoleAt(ctx, url);
    nextSteps(ctx, url);

    if (opts.detach) {
      server.release();
      ctx.line(
        `Running in the background (pid ${server.pid}); logs: ${relative(ctx.io.cwd, logFile ?? '') || logFile}`,
      );
      ctx.line(`Stop it with: kill $(cat ${relative(ctx.io.cwd, pidFile) || pidFile})`);
      for (const dep of deps.started)
        ctx.line(`  ${dep.name} keeps running too (pid ${dep.pid}; data in ${dep.dataDir}): kill ${dep.pid}`);
      return 0;
    }
    return await forwardUntilStopped(ctx, server, interrupted.signal);
  } finally {
    stopListening();
  }
}

interface UpCredentials {
  /** The token `up`'s own calls (and the commands after it) use. */
  clientToken?: string;
  /** Handed to the server as CHAINMAIL_ADMIN_TOKEN: it makes it work at its first start. */
  adminToken?: string;
  /** Made just now: printed once. */
  generated: boolean;
  savedIn?: string;
  /** Saves the token for the URL; called only once the server is ready, so a failed start saves nothing. */
  save?: () => string | undefined;
}

/**
 * The admin token of a server `up` starts: CHAINMAIL_ADMIN_TOKEN when set; else the one an earlier
 * `up` saved for this URL; else a new one, saved (0600) for the commands that follow. A token saved
 * by `chainmail login` is used as is, and the server keeps its own admin token.
 */
function upCredentials(ctx: CliContext, url: string): UpCredentials {
  const given = ctx.givenToken();
  const configured = ctx.io.env.CHAINMAIL_ADMIN_TOKEN || undefined;
  const saved = ctx.credentials.get(url);
  if (configured !== undefined) {
    return {
      clientToken: given ?? configured,
      adminToken: configured,
      generated: false,
      save: saved === undefined ? () => save(ctx, url, configured) : undefined,
    };
  }
  if (saved?.source === 'up')
    return { clientToken: given ?? saved.token, adminToken: saved.token, generated: false };
  if (saved !== undefined) return { clientToken: given ?? saved.token, generated: false };
  const token = generateToken();
  return {
    clientToken: given ?? token,
    adminToken: token,
    generated: true,
    save: () => save(ctx, url, token),
  };
}

function save(ctx: CliContext, url: string, token: string): string | undefined {
  try {
    ctx.credentials.save(url, token, 'up', ctx.io.now());
    return ctx.credentials.path;
  } catch (err) {
    ctx.warn(`The API token could not be saved: ${(err as Error).message}`);
    return undefined;
  }
}

/** A new admin token is shown here once; it is stored only hashed on the server. */
function announceToken(ctx: CliContext, url: string, credentials: UpCredentials): void {
  if (!credentials.generated || credentials.adminToken === undefined) return;
  const dim = (text: string): string => ctx.palette.paint('dim', text);
  ctx.line(`  Admin API token ${dim('(shown once)')}: ${credentials.adminToken}`);
  if (credentials.savedIn !== undefined) {
    ctx.line(dim(`  Saved for ${url} in ${credentials.savedIn}: chainmail commands use it.`));
  } else {
    ctx.line(dim(`  Not saved: export CHAINMAIL_TOKEN=${credentials.adminToken}`));
  }
}

/** Polls `/readyz` until it answers 200, the server exits, the wait runs out, or Ctrl-C. */
async function waitUntilReady(
  ctx: CliContext,
  api: ChainmailApi,
  server: LocalServer,
  waitMs: number,
  interrupted: AbortSignal,
): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  let last: Readiness | undefined;
  while (Date.now() < deadline) {
    if (interrupted.aborted) return false;
    if (!server.running) {
      const exit = await server.exited;
      ctx.warn(`The Chainmail server exited (${exit.signal ?? `code ${exit.code}`}) before it was ready.`);
      explainFailedStart(ctx, server, undefined);
      return false;
    }
    last = (await readiness(api)) ?? last;
    if (last?.ready) return true;
    await sleep(POLL_MS, interrupted);
  }
  ctx.warn(`Chainmail did not become ready within ${Math.round(waitMs / 1000)} s.`);
  explainFailedStart(ctx, server, last);
  return false;
}

function explainFailedStart(ctx: CliContext, server: LocalServer, last: Readiness | undefined): void {
  if (last) {
    const failing = failingChecks(last.body);
    ctx.warn(`GET /readyz answered ${last.status}${failing.length > 0 ? ':' : '.'}`);
    for (const line of failing) ctx.warn(`  ${line}`);
  }
  const lines = server.recentLines();
  if (lines.some((l) => l.includes('CHAINMAIL_SMTP_PORT') && l.includes('EADDRINUSE'))) {
    ctx.warn(
      'The mail port is already in use: set CHAINMAIL_SMTP_PORT to another port, or 0 to turn inbound mail off.',
    );
  } else if (lines.some((l) => l.includes('EADDRINUSE'))) {
    ctx.warn('The port is already in use: choose another with --port.');
  } else {
    for (const line of backingServicesHint(backingServices(ctx.io.env))) ctx.warn(line);
  }
  if (lines.length > 0) {
    ctx.warn('Last server log lines:');
    for (const line of lines.slice(-15)) ctx.warn(`  ${line}`);
  }
}

/** The demo run; its failure is reported but leaves the server up. */
async function demo(ctx: CliContext, api: ChainmailApi, interrupted?: AbortSignal): Promise<void> {
  ctx.line();
  ctx.line(`Demo: ${DEMO_WORKFLOW} with user_input="${DEMO_INPUTS.user_input}"`);
  try {
    const runId = await api.startRun(DEMO_WORKFLOW, DEMO_INPUTS);
    const outcome = await followRun(ctx, runId, { api, signal: interrupted });
    if (exitCodeOf(outcome) !== 0 && !interrupted?.aborted)
      ctx.warn(`The demo run did not succeed: see \`npx chainmail logs ${runId}\`.`);
  } catch (err) {
    if (interrupted?.aborted) return;
    if (!(err instanceof ApiError)) throw err;
    ctx.warn(`The demo could not run: ${apiErrorText(err)}`);
  }
}

/** Where to send mail that starts a workflow: the SMTP address and the addresses bound to workflows. */
async function mailIn(ctx: CliContext, api: ChainmailApi): Promise<void> {
  const smtp = inboundSmtpUrl(ctx.io.env);
  if (smtp === undefined) return;
  let bound: { address: string; workflow: string }[] = [];
  try {
    const workflows = await api.listWorkflows();
    bound = workflows.flatMap((w) =>
      (w.emailAddresses ?? []).map((address) => ({ address, workflow: w.name })),
    );
  } catch (err) {
    if (!(err instanceof ApiError) && !(err instanceof ServerUnreachable)) throw err;
  }
  const dim = (text: string): string => ctx.palette.paint('dim', text);
  ctx.line();
  ctx.line(`${ctx.palette.paint('bold', 'Email in:')} ${smtp}`);
  for (const { address, workflow } of bound) {
    const shown = address.endsWith('@') ? `${address}<any domain>` : address;
    ctx.line(`  ${shown.padEnd(36)} ${dim(`starts ${workflow}`)}`);
  }
  const first = bound[0]?.address;
  if (first !== undefined) {
    const to = first.endsWith('@') ? `${first}localhost` : first;
    ctx.line(
      `  printf 'Subject: Hi\\n\\nAnalyze our competitors in the CRM space\\n' | curl ${smtp} --mail-from you@example.com --mail-rcpt ${to} -T -`,
    );
  }
}

/** Where the mail Chainmail sends can be read, when the server keeps it in its local mail catcher. */
async function mailOut(ctx: CliContext, api: ChainmailApi, url: string): Promise<void> {
  let catcher: boolean;
  try {
    catcher = parseMailbox(await api.mailbox(1)).catcher;
  } catch {
    return; // A server without a mailbox (older, or answering oddly) just gets no line.
  }
  if (!catcher) return;
  const dim = (text: string): string => ctx.palette.paint('dim', text);
  ctx.line(
    `${ctx.palette.paint('bold', 'Sent mail:')} ${url}/mailbox   ${dim('(or: npx chainmail mailbox)')}`,
  );
}

/** The web console's address, when the server serves one (its `npm run build` built web/dist). */
async function consoleAt(ctx: CliContext, url: string): Promise<void> {
  try {
    const res = await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    if (!res.ok || !(res.headers.get('content-type') ?? '').startsWith('text/html')) return;
  } catch {
    return; // No console: the API works all the same.
  }
  const dim = (text: string): string => ctx.palette.paint('dim', text);
  ctx.line(
    `${ctx.palette.paint('bold', 'Console:')} ${url}/   ${dim('(sign in with the API token: npx chainmail tokens show)')}`,
  );
}

function nextSteps(ctx: CliContext, url: string): void {
  const p = (colour: 'bold' | 'dim', text: string): string => ctx.palette.paint(colour, text);
  ctx.line();
  ctx.line(p('bold', 'Next:'));
  if (url !== DEFAULT_URL)
    ctx.line(`  export CHAINMAIL_URL=${url}   ${p('dim', 'so the commands below find this server')}`);
  ctx.line(`  npx chainmail runs                        ${p('dim', 'list runs')}`);
  ctx.line(`  npx chainmail logs RUN                    ${p('dim', "a run's event timeline")}`);
  ctx.line(
    `  npx chainmail workflows                   ${p('dim', 'the published workflows (the shipped examples)')}`,
  );
  ctx.line(
    `  npx chainmail schedules                   ${p('dim', 'scheduled workflows: next run, last run and its status')}`,
  );
  ctx.line(
    `  npx chainmail templates                   ${p('dim', 'ready pipelines: chainmail new NAME --from ID')}`,
  );
  ctx.line(`  npx chainmail apply -f my-workflow.yaml   ${p('dim', 'publish your own')}`);
  ctx.line(`  npx chainmail run NAME --input k=v --follow`);
  ctx.line(
    `  npx chainmail tokens create --name NAME    ${p('dim', 'a token for a script or another machine')}`,
  );
  ctx.line(`  API: curl -H "Authorization: Bearer $CHAINMAIL_TOKEN" ${url}/v1/workflows`);
}

/** Foreground: the server's log lines, prefixed, until Ctrl-C stops it (or it stops by itself). */
async function forwardUntilStopped(
  ctx: CliContext,
  server: LocalServer,
  interrupted: AbortSignal,
): Promise<number> {
  ctx.line();
  ctx.line(ctx.palette.paint('dim', 'Server logs follow. Press Ctrl-C to stop Chainmail.'));
  const prefix = ctx.palette.paint('dim', 'server │ ');
  server.forwardTo((line) => ctx.line(`${prefix}${line}`));
  const stopped = new Promise<'interrupted'>((resolve) => {
    if (interrupted.aborted) resolve('interrupted');
    interrupted.addEventListener('abort', () => resolve('interrupted'));
  });
  const why = await Promise.race([stopped, server.exited]);
  if (why === 'interrupted') return stopServer(ctx, server, 0);
  server.forwardTo(undefined);
  ctx.warn(`The Chainmail server exited (${why.signal ?? `code ${why.code}`}).`);
  return why.code === 0 ? 0 : 1;
}

async function stopServer(ctx: CliContext, server: LocalServer, exitCode: number): Promise<number> {
  ctx.line('Stopping Chainmail…');
  await server.stop();
  server.forwardTo(undefined);
  ctx.line('Stopped.');
  return exitCode;
}

async function readiness(api: ChainmailApi): Promise<Readiness | undefined> {
  try {
    return await api.readiness();
  } catch (err) {
    if (err instanceof ServerUnreachable) return undefined;
    throw err;
  }
}

function sleep(ms: number, interrupted: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      interrupted.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    interrupted.addEventListener('abort', done);
  });
}

function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535)
    throw new InvalidArgumentError('must be a port number (1-65535).');
  return port;
}

interface BackingServices {
  /** NATS_URL / DATABASE_URL for the server, when `up` started one. */
  env: Record<string, string>;
  /** What `up` started, in start order. */
  started: StartedDependency[];
}

const LOCAL_NATS_PORT = 4222;
const LOCAL_POSTGRES_PORT = 5432;

/**
 * NATS and Postgres for the server. A URL given in NATS_URL / DATABASE_URL must answer; with none,
 * one on the default port is used, else `up` starts one, its data in the user's data directory:
 * `nats-server` from PATH with JetStream, and the embedded PostgreSQL of the npm package.
 */
async function ensureBackingServices(ctx: CliContext): Promise<BackingServices> {
  const env = ctx.io.env;
  const dataDir = localDataDir(env);
  const out: BackingServices = { env: {}, started: [] };
  const dim = (text: string): string => ctx.palette.paint('dim', text);
  try {
    const natsUrl = nonEmpty(env.NATS_URL);
    if (natsUrl !== undefined) {
      await mustAnswer('NATS', natsUrl.split(',')[0].trim(), LOCAL_NATS_PORT, 'NATS_URL');
    } else if (!(await listening('127.0.0.1', LOCAL_NATS_PORT))) {
      const binary = onPath('nats-server', env);
      if (binary !== undefined)
        ctx.line(dim(`Starting NATS (${binary} -js) on 127.0.0.1:${LOCAL_NATS_PORT}…`));
      const nats = await startNats({ port: LOCAL_NATS_PORT, dataDir, env });
      out.started.push(nats);
      ctx.line(dim(`  JetStream store: ${nats.dataDir}`));
    }
    const databaseUrl = nonEmpty(env.DATABASE_URL);
    if (databaseUrl !== undefined) {
      await mustAnswer('Postgres', databaseUrl, LOCAL_POSTGRES_PORT, 'DATABASE_URL');
    } else if (!(await listening('127.0.0.1', LOCAL_POSTGRES_PORT))) {
      ctx.line(dim(`Starting the embedded PostgreSQL on 127.0.0.1:${LOCAL_POSTGRES_PORT}…`));
      const postgres = await startPostgres({
        port: LOCAL_POSTGRES_PORT,
        dataDir,
        database: 'chainmail',
        note: (line) => ctx.line(dim(`  ${line}`)),
      });
      out.started.push(postgres);
      out.env.DATABASE_URL = postgres.url;
      ctx.line(dim(`  Data: ${postgres.dataDir}`));
    }
    return out;
  } catch (err) {
    await stopDependencies(ctx, out.started);
    throw err;
  }
}

async function mustAnswer(name: string, url: string, defaultPort: number, variable: string): Promise<void> {
  const { host, port } = hostPort(url, defaultPort);
  if (await listening(host, port)) return;
  const shown = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  throw new DependencyFailed(
    `${name} is not reachable at ${shown} (from ${variable}): start it there, or unset ${variable} to let \`npx chainmail up\` start one.`,
  );
}

async function stopDependencies(ctx: CliContext, started: StartedDependency[]): Promise<void> {
  for (const dep of [...started].reverse()) {
    await dep.stop();
    ctx.line(ctx.palette.paint('dim', `${dep.name} stopped (its data stays in ${dep.dataDir}).`));
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
