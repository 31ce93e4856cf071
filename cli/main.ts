import { createInterface } from 'node:readline';
import { Command, CommanderError } from 'commander';
import { registerAdminCommands } from './commands/admin';
import { registerApprovalCommands } from './commands/approvals';
import { registerAgentCommands } from './commands/agents';
import { registerDebugCommands } from './commands/debug';
import { registerIdentityCommands } from './commands/identity';
import { registerMailboxCommand } from './commands/mailbox';
import type { ActionRunner } from './commands/options';
import { registerRunCommands } from './commands/runs';
import { registerScheduleCommands } from './commands/schedules';
import { registerSecretCommands } from './commands/secrets';
import { registerStatsCommand } from './commands/stats';
import { registerUpCommand } from './commands/up';
import { registerVariableCommands } from './commands/variables';
import { registerLibraryCommands } from './commands/library';
import { registerWorkflowCommands } from './commands/workflows';
import { CliContext, type CliIO } from './context';
import { reportError } from './errors';
import { findPackageRoot, packageVersion } from './package-root';

/** Commander's own exits that are not usage errors. */
const CLEAN_EXITS = new Set(['commander.helpDisplayed', 'commander.version']);

/**
 * Runs the `chainmail` program on `argv` (without `node` and the script) and resolves to the exit
 * code: 0 success, 1 failure (a failed run, a server error), 2 usage error.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const program = new Command('chainmail');
  const ctx = new CliContext(io, () => program.opts<{ url?: string; token?: string }>());
  let exitCode = 0;
  const run: ActionRunner = async (action) => {
    exitCode = await action();
  };
  // `--version` is answered here, before the commands: as a program option Commander would take
  // it from any command's arguments too, and `fork RUN --from STEP --version N` has its own.
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    io.out(`${packageVersion(io.repoRoot ?? findPackageRoot())}\n`);
    return 0;
  }
  program
    .description('Chain AI agents into workflows. A client of the Chainmail API.')
    .addHelpText('after', '\nchainmail --version (or -V) prints the version.')
    .option('--url <url>', 'Chainmail API URL (default: $CHAINMAIL_URL or http://127.0.0.1:8080)')
    .option(
      '--token <token>',
      'API token (default: $CHAINMAIL_TOKEN, else the one saved for the URL by up or login)',
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showSuggestionAfterError();
  registerUpCommand(program, ctx, run);
  registerWorkflowCommands(program, ctx, run);
  registerRunCommands(program, ctx, run);
  registerDebugCommands(program, ctx, run);
  registerApprovalCommands(program, ctx, run);
  registerScheduleCommands(program, ctx, run);
  registerStatsCommand(program, ctx, run);
  registerAdminCommands(program, ctx, run);
  registerAgentCommands(program, ctx, run);
  registerMailboxCommand(program, ctx, run);
  registerIdentityCommands(program, ctx, run);
  registerSecretCommands(program, ctx, run);
  registerVariableCommands(program, ctx, run);
  registerLibraryCommands(program, ctx, run);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return CLEAN_EXITS.has(err.code) ? 0 : 2;
    return reportError(err, ctx);
  }
}

/** The process wiring: real stdout/stderr, environment and signals. */
export function processIO(): CliIO {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    isTTY: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    readLine: (prompt) => readLine(prompt),
    lines: () => createInterface({ input: process.stdin, terminal: false }),
    readAll: (prompt) => readAll(prompt),
    onInterrupt(listener) {
      const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
      for (const signal of signals) process.on(signal, listener);
      return () => {
        for (const signal of signals) process.off(signal, listener);
      };
    },
  };
}

/** One line from stdin: typed at a prompt (on stderr, so stdout stays clean) or piped. */
async function readLine(prompt: string): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  if (process.stdin.isTTY) process.stderr.write(prompt);
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** All of stdin, as bytes are: a piped file, or what was typed up to Ctrl-D. */
async function readAll(prompt: string): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write(prompt);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

/** Entry point of `bin/chainmail.js`. */
export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  // `chainmail runs | head` closes the pipe early: that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const code = await runCli(argv, processIO());
  // Exit explicitly, once stdout is flushed: idle keep-alive sockets must not hold the CLI open.
  process.stdout.write('', () => process.exit(code));
}

if (require.main === module) void main();
