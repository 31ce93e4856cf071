import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { Command } from 'commander';
import { ApiError, type DefinitionFormat } from '../api-client';
import { parseIssues, type ValidationIssue } from '../api-types';
import { UsageError, type CliContext } from '../context';
import { apiErrorText } from '../errors';
import { formatAge, issueLine, table } from '../render';
import { collect, positiveInt, type ActionRunner } from './options';

/** `apply`, `validate`, `workflows`, `versions`, `rollback`: definitions and their versions. */
export function registerWorkflowCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('apply')
    .description('publish workflow definitions (files, or every *.yaml|*.yml|*.json in a directory)')
    .requiredOption('-f, --file <path>', 'a definition file or a directory; repeatable', collect)
    .option(
      '--team <id>',
      "publish new workflows as the team's (editor or owner there); later versions keep their owner",
    )
    .action((opts: { file: string[]; team?: string }) => run(() => apply(ctx, opts.file, opts.team)));

  program
    .command('validate')
    .description('check a definition without publishing it')
    .argument('<file>', 'a definition file (YAML or JSON), or a directory of them')
    .action((file: string) => run(() => validate(ctx, file)));

  program
    .command('workflows')
    .description('list published workflows')
    .action(() => run(() => listWorkflows(ctx)));

  program
    .command('versions')
    .description("list a workflow's versions")
    .argument('<name>', 'workflow name')
    .action((name: string) => run(() => listVersions(ctx, name)));

  program
    .command('rollback')
    .description('make an earlier version of a workflow active again')
    .argument('<name>', 'workflow name')
    .requiredOption('--to <version>', 'the version to make active', positiveInt('--to'))
    .action((name: string, opts: { to: number }) => run(() => rollback(ctx, name, opts.to)));
}

async function apply(ctx: CliContext, paths: string[], team?: string): Promise<number> {
  const files = await definitionFiles(paths);
  let failed = 0;
  for (const file of files) {
    const source = await readFile(file, 'utf8');
    try {
      const published = await ctx.api().publishWorkflow(source, formatOf(file), team);
      ctx.line(
        published.unchanged
          ? `${published.name}: unchanged, version ${published.version} is already this text`
          : `${published.name}: version ${published.version} published`,
      );
      for (const warning of published.warnings) ctx.warn(warningLine(ctx, file, warning));
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      failed += 1;
      reportRejected(ctx, file, err);
    }
  }
  return failed > 0 ? 1 : 0;
}

async function validate(ctx: CliContext, target: string): Promise<number> {
  let failed = 0;
  for (const file of await definitionFiles([target])) {
    if (!(await validateOne(ctx, file))) failed += 1;
  }
  return failed > 0 ? 1 : 0;
}

async function validateOne(ctx: CliContext, file: string): Promise<boolean> {
  const source = await readFile(file, 'utf8');
  try {
    const outcome = await ctx.api().validateWorkflow(source, formatOf(file));
    if (!outcome.valid) {
      for (const issue of outcome.issues) ctx.warn(issueLine(file, issue));
      return false;
    }
    ctx.line(`${file}: ${ctx.palette.paint('green', 'valid')}`);
    for (const warning of outcome.warnings) ctx.warn(warningLine(ctx, file, warning));
    return true;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    reportRejected(ctx, file, err);
    return false;
  }
}

/** Validation issues as `FILE:LINE:COLUMN: message (hint)`; other refusals as `FILE: error CODE: message`. */
function reportRejected(ctx: CliContext, file: string, err: ApiError): void {
  const issues = parseIssues(err.details);
  if (issues.length > 0) {
    for (const issue of issues) ctx.warn(issueLine(file, issue));
  } else {
    ctx.warn(`${file}: ${apiErrorText(err)}`);
  }
}

function warningLine(ctx: CliContext, file: string, warning: ValidationIssue): string {
  return issueLine(file, {
    ...warning,
    message: `${ctx.palette.paint('yellow', 'warning:')} ${warning.message}`,
  });
}

async function listWorkflows(ctx: CliContext): Promise<number> {
  const workflows = await ctx.api().listWorkflows();
  if (workflows.length === 0) {
    ctx.line('No workflows yet. Publish one with `chainmail apply -f FILE`.');
    return 0;
  }
  const now = ctx.io.now();
  const rows = workflows.map((w) => [
    w.name,
    w.activeVersion !== undefined ? String(w.activeVersion) : '-',
    w.latestVersion !== undefined ? String(w.latestVersion) : '-',
    formatAge(w.updatedAt, now),
    w.description ?? '',
  ]);
  ctx.io.out(table(['NAME', 'ACTIVE', 'LATEST', 'UPDATED', 'DESCRIPTION'], rows, ctx.palette));
  return 0;
}

async function listVersions(ctx: CliContext, name: string): Promise<number> {
  const versions = await ctx.api().listVersions(name);
  const now = ctx.io.now();
  const rows = versions.map((v) => [
    String(v.version),
    v.active ? ctx.palette.paint('green', 'active') : '',
    formatAge(v.publishedAt, now),
    v.publishedBy ?? '-',
  ]);
  ctx.io.out(table(['VERSION', 'STATUS', 'PUBLISHED', 'BY'], rows, ctx.palette));
  return 0;
}

async function rollback(ctx: CliContext, name: string, version: number): Promise<number> {
  const active = await ctx.api().rollback(name, version);
  ctx.line(`${active.name}: version ${active.version} is active`);
  return 0;
}

const DEFINITION_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Files as given, and directories expanded to their definition files (sorted, not recursive). */
async function definitionFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`${path}: no such file or directory`);
    if (!info.isDirectory()) {
      files.push(path);
      continue;
    }
    const entries = (await readdir(path, { withFileTypes: true }))
      .filter((e) => e.isFile() && DEFINITION_EXTENSIONS.has(extname(e.name).toLowerCase()))
      .map((e) => join(path, e.name))
      .sort();
    if (entries.length === 0)
      throw new UsageError(`${path}: no *.yaml, *.yml or *.json files in this directory`);
    files.push(...entries);
  }
  return files;
}

function formatOf(file: string): DefinitionFormat {
  return extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}
