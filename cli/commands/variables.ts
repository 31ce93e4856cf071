import type { Command } from 'commander';
import { isRecord, num, str } from '../api-types';
import type { CliContext } from '../context';
import { formatAge, table } from '../render';
import type { ActionRunner } from './options';

/** `variables set|get|list|rm`: what `{{vars.NAME}}` reads in the owner's runs, with every version kept. */
export function registerVariableCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  const variables = program
    .command('variables')
    .description("variables read by {{vars.NAME}} (the definition's own vars win), versioned");
  variables
    .command('set')
    .description('set a variable; the value is JSON when it parses (42, true, ["a"]), else text')
    .argument('<name>', 'the name {{vars.NAME}} reads')
    .argument('<value>', 'the value')
    .option('--team <id>', "a team's variable (you need to be its owner or editor)")
    .action((name: string, value: string, opts: { team?: string }) =>
      run(async () => {
        const answer = await ctx.api().putVariable(name, parseValue(value), opts.team);
        const v = isRecord(answer) && isRecord(answer.variable) ? answer.variable : {};
        ctx.line(
          `Set ${name} for ${str(v.owner) ?? 'you'} (version ${num(v.version) ?? '?'}); runs started from now read it.`,
        );
        return 0;
      }),
    );
  variables
    .command('get')
    .description('a variable with its versions')
    .argument('<name>', 'the variable')
    .option('--team <id>', "a team's variable")
    .action((name: string, opts: { team?: string }) =>
      run(async () => {
        const body = await ctx.api().getVariable(name, opts.team);
        const v = isRecord(body) && isRecord(body.variable) ? body.variable : {};
        ctx.line(
          `${name} = ${JSON.stringify(v.value)}  (${str(v.owner) ?? ''}, version ${num(v.version) ?? '?'})`,
        );
        const versions = isRecord(body) && Array.isArray(body.versions) ? body.versions.filter(isRecord) : [];
        const now = ctx.io.now();
        const rows = versions.map((h) => [
          String(num(h.version) ?? ''),
          h.deleted === true ? '(deleted)' : JSON.stringify(h.value),
          formatAge(str(h.at), now),
          str(h.by) ?? '',
        ]);
        ctx.io.out(table(['VERSION', 'VALUE', 'WHEN', 'BY'], rows, ctx.palette));
        return 0;
      }),
    );
  variables
    .command('list')
    .description('the variables you can see, with their current values')
    .option('--team <id>', "only a team's variables")
    .option('--json', 'machine-readable output (the API response)')
    .action((opts: { team?: string; json?: boolean }) =>
      run(async () => {
        const body = await ctx.api().listVariables(opts.team);
        if (opts.json === true) {
          ctx.line(JSON.stringify(body, null, 2));
          return 0;
        }
        const list = isRecord(body) && Array.isArray(body.variables) ? body.variables.filter(isRecord) : [];
        if (list.length === 0) {
          ctx.line('No variables. Set one with `chainmail variables set NAME VALUE`.');
          return 0;
        }
        const now = ctx.io.now();
        const rows = list.map((v) => [
          str(v.name) ?? '',
          JSON.stringify(v.value),
          str(v.owner) ?? '',
          String(num(v.version) ?? ''),
          formatAge(str(v.updatedAt), now),
        ]);
        ctx.io.out(table(['NAME', 'VALUE', 'OWNER', 'VERSION', 'UPDATED'], rows, ctx.palette));
        return 0;
      }),
    );
  variables
    .command('rm')
    .description('delete a variable (kept in its history as a version)')
    .argument('<name>', 'the variable')
    .option('--team <id>', "a team's variable")
    .action((name: string, opts: { team?: string }) =>
      run(async () => {
        await ctx.api().removeVariable(name, opts.team);
        ctx.line(`Deleted variable ${name}.`);
        return 0;
      }),
    );
}

/** `42`, `true`, `["a"]`, `{"k":1}` are JSON; anything else is the text itself. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
