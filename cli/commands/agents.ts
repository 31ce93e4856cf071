import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { ApiError } from '../api-client';
import { readAgentsFile } from '../agents-file';
import { isRecord, str } from '../api-types';
import { UsageError, type CliContext } from '../context';
import { apiErrorText } from '../errors';
import { oneLine, table } from '../render';
import type { ActionRunner } from './options';

/** `agents` (list), `agents apply -f FILE`, `agents rm ADDRESS`: the agent directory. */
export function registerAgentCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  const agents = program
    .command('agents')
    .description('the agent directory: list it, register agents from a YAML file, remove one')
    .action(() => run(() => listAgents(ctx)));

  agents
    .command('list', { hidden: true })
    .description('list the agents (builtin and registered)')
    .action(() => run(() => listAgents(ctx)));

  agents
    .command('apply')
    .description('register (or update) the agents of a YAML file: a list, or a map of address → entry')
    .requiredOption('-f, --file <path>', 'the agents file (YAML or JSON)')
    .option('--team <id>', "register new entries as the team's (editor or owner there)")
    .action((opts: { file: string; team?: string }) => run(() => applyAgents(ctx, opts.file, opts.team)));

  agents
    .command('rm')
    .description('remove a registered agent; a builtin of the same address answers again')
    .argument('<address>', 'the agent address, e.g. research@')
    .option('--force', 'remove it even though active workflows use it and no builtin would answer')
    .action((address: string, opts: { force?: boolean }) =>
      run(() => removeAgent(ctx, address, opts.force === true)),
    );
}

async function listAgents(ctx: CliContext): Promise<number> {
  const agents = await ctx.api().listAgents();
  const rows = agents.map((a) => [
    a.address,
    a.kind,
    a.source === 'registered' && a.overridesBuiltin ? 'registered (over builtin)' : a.source,
    oneLine(a.description, 70),
  ]);
  ctx.io.out(table(['ADDRESS', 'KIND', 'SOURCE', 'DESCRIPTION'], rows, ctx.palette));
  return 0;
}

async function applyAgents(ctx: CliContext, file: string, team?: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new UsageError(`${file}: no such file`);
  });
  const { entries, problems } = readAgentsFile(text);
  for (const p of problems)
    ctx.warn(`${file}${p.line !== undefined ? `:${p.line}:${p.column}` : ''}: ${p.message}`);
  if (problems.length > 0) return 1;
  if (entries.length === 0) {
    ctx.warn(`${file}: no agents in this file`);
    return 1;
  }
  let failed = 0;
  for (const entry of entries) {
    try {
      const change = await ctx.api().putAgent(entry.address, entry.body, team);
      const what =
        change.outcome === 'unchanged'
          ? ctx.palette.paint('dim', 'unchanged')
          : ctx.palette.paint('green', change.outcome);
      ctx.line(
        `${change.address}: ${what}${isRecord(entry.body) && str(entry.body.kind) ? ` (${str(entry.body.kind)})` : ''}`,
      );
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failed += 1;
      const issues = fieldIssues(err.details);
      if (issues.length === 0) {
        ctx.warn(`${file}:${entry.at.line}:${entry.at.column}: ${entry.address}: ${apiErrorText(err)}`);
        continue;
      }
      for (const issue of issues) {
        const at = issue.field === '' ? entry.at : entry.locate(issue.field);
        ctx.warn(
          `${file}:${at.line}:${at.column}: ${entry.address}${issue.field ? ` ${issue.field}` : ''}: ${issue.message}`,
        );
      }
    }
  }
  return failed > 0 ? 1 : 0;
}

async function removeAgent(ctx: CliContext, address: string, force: boolean): Promise<number> {
  const change = await ctx.api().removeAgent(address, force);
  const { now } = change;
  const after =
    now === undefined
      ? ''
      : now.source === 'builtin'
        ? `; the builtin ${now.address} answers again`
        : `; ${now.address} (${now.kind}) answers now`;
  ctx.line(`${change.address}: removed${after}`);
  return 0;
}

/** `details.issues` of an AGENT_INVALID answer: `{field, message}`. */
function fieldIssues(details: unknown): { field: string; message: string }[] {
  if (!isRecord(details) || !Array.isArray(details.issues)) return [];
  return details.issues.flatMap((i) =>
    isRecord(i) && typeof i.message === 'string' ? [{ field: str(i.field) ?? '', message: i.message }] : [],
  );
}
