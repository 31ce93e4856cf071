import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { isRecord, num, str } from '../api-types';
import { UsageError, type CliContext } from '../context';
import { formatAge, table } from '../render';
import type { ActionRunner } from './options';

/**
 * `secrets set|list|rm`: the value comes from stdin or a file, never from an argument (arguments
 * end up in shell history and `ps`). A single trailing newline (what `echo` and editors add) is
 * dropped.
 */
export function registerSecretCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  const secrets = program
    .command('secrets')
    .description('secrets read by {{secrets.NAME}}: stored encrypted, never shown again');
  secrets
    .command('set')
    .description(
      'set (or rotate) a secret from stdin or --file; e.g. chainmail secrets set OPENAI_KEY < key.txt',
    )
    .argument('<name>', 'the name {{secrets.NAME}} reads')
    .option('--team <id>', "a team's secret (you need to be its owner or editor)")
    .option('--file <path>', 'read the value from this file instead of stdin')
    // A value given as an argument is refused with a reason, not commander's "too many arguments".
    .allowExcessArguments(true)
    .action((name: string, opts: { team?: string; file?: string }, command: Command) =>
      run(() => setSecret(ctx, name, opts, command.args.length)),
    );
  secrets
    .command('list')
    .description('names, owners and dates of the secrets you can see (never values)')
    .option('--team <id>', "only a team's secrets")
    .option('--json', 'machine-readable output (the API response)')
    .action((opts: { team?: string; json?: boolean }) => run(() => listSecrets(ctx, opts)));
  secrets
    .command('rm')
    .description('delete a secret: runs that need it fail until it is set again')
    .argument('<name>', 'the secret')
    .option('--team <id>', "a team's secret")
    .action((name: string, opts: { team?: string }) =>
      run(async () => {
        await ctx.api().removeSecret(name, opts.team);
        ctx.line(`Deleted secret ${name}.`);
        return 0;
      }),
    );
}

async function setSecret(
  ctx: CliContext,
  name: string,
  opts: { team?: string; file?: string },
  argCount: number,
): Promise<number> {
  if (argCount > 1)
    throw new UsageError('A secret value is never an argument: pipe it in (< file) or use --file.');
  const value = dropFinalNewline(
    opts.file === undefined ? await readStdin(ctx, name) : await readValueFile(ctx, opts.file),
  );
  if (value === '')
    throw new UsageError('The value is empty: pipe it in (secrets set NAME < file) or use --file.');
  const answer = await ctx.api().putSecret(name, value, opts.team);
  const secret = isRecord(answer) && isRecord(answer.secret) ? answer.secret : {};
  const version = num(secret.version);
  ctx.line(
    `${version !== undefined && version > 1 ? 'Rotated' : 'Set'} secret ${name} for ${str(secret.owner) ?? 'you'}${version !== undefined && version > 1 ? ` (version ${version})` : ''}; the next use reads it.`,
  );
  return 0;
}

/** All of stdin (a PEM bundle has many lines); typed values end with Ctrl-D. */
async function readStdin(ctx: CliContext, name: string): Promise<string> {
  if (ctx.io.readAll === undefined) throw new UsageError('No stdin to read the value from; use --file.');
  return ctx.io.readAll(`Value of ${name} (then Enter and Ctrl-D): `);
}

async function readValueFile(ctx: CliContext, file: string): Promise<string> {
  try {
    return await readFile(resolve(ctx.io.cwd, file), 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function dropFinalNewline(text: string): string {
  return text.replace(/\r?\n$/, '');
}

async function listSecrets(ctx: CliContext, opts: { team?: string; json?: boolean }): Promise<number> {
  const body = await ctx.api().listSecrets(opts.team);
  if (opts.json === true) {
    ctx.line(JSON.stringify(body, null, 2));
    return 0;
  }
  const list = isRecord(body) && Array.isArray(body.secrets) ? body.secrets.filter(isRecord) : [];
  if (list.length === 0) {
    ctx.line('No secrets. Set one with `chainmail secrets set NAME < file`.');
    return 0;
  }
  const now = ctx.io.now();
  const rows = list.map((s) => [
    str(s.name) ?? '',
    str(s.owner) ?? '',
    String(num(s.version) ?? ''),
    formatAge(str(s.updatedAt), now),
    str(s.updatedBy) ?? '',
  ]);
  ctx.io.out(table(['NAME', 'OWNER', 'VERSION', 'UPDATED', 'BY'], rows, ctx.palette));
  return 0;
}
