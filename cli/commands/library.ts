import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { rewriteWorkflow } from '@chainmail/templates';
import { isRecord, num, str, type Json } from '../api-types';
import { fromBundle, toBundle } from '../bundle';
import { UsageError, type CliContext } from '../context';
import { table } from '../render';
import { collect, type ActionRunner } from './options';

/**
 * The templates library (`templates`, `new`), the marketplace (`market …`, `update`) and
 * portable bundles (`export`, `import`).
 */
export function registerLibraryCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('templates')
    .description('the templates library: ready pipelines to start from (`chainmail new NAME --from ID`)')
    .argument('[query]', 'words to look for (title, description, tags)')
    .option('--category <name>', 'only this category')
    .option('--show <id>', "one template's parameters, agents, requirements and guide")
    .action((query: string | undefined, opts: { category?: string; show?: string }) =>
      run(() =>
        opts.show !== undefined ? showTemplate(ctx, opts.show) : listTemplates(ctx, query, opts.category),
      ),
    );

  program
    .command('new')
    .description('publish a new workflow from a template')
    .argument('<name>', 'the new workflow’s name')
    .requiredOption('--from <template>', 'the template id (`chainmail templates` lists them)')
    .option('--param <key=value>', 'a template parameter; repeatable', collect)
    .option('--team <id>', "publish it as the team's (editor or owner there)")
    .action((name: string, opts: { from: string; param?: string[]; team?: string }) =>
      run(() => newFromTemplate(ctx, name, opts.from, opts.param ?? [], opts.team)),
    );

  program
    .command('export')
    .description(
      'write a workflow as a portable bundle (its definition and the names of what it needs) to stdout',
    )
    .argument('<name>', 'the workflow')
    .action((name: string) => run(() => exportBundle(ctx, name)));

  program
    .command('import')
    .description('publish the workflow of a bundle written by `chainmail export`')
    .argument('<file>', 'the bundle file')
    .option('--name <name>', 'publish it under another name')
    .option('--team <id>', "publish it as the team's")
    .action((file: string, opts: { name?: string; team?: string }) =>
      run(() => importBundle(ctx, file, opts.name, opts.team)),
    );

  program
    .command('update')
    .description('take the newest marketplace version of a workflow you installed (as its next version)')
    .argument('<name>', 'the installed workflow')
    .action((name: string) =>
      run(async () => {
        const a = asRecord(await ctx.api().updateWorkflow(name));
        ctx.line(
          `${name}: version ${num(a.version) ?? '?'} has listing version ${num(a.listingVersion) ?? '?'} (was ${num(a.previousListingVersion) ?? '?'}); \`chainmail rollback ${name} --to N\` goes back`,
        );
        return 0;
      }),
    );

  const market = program.command('market').description('the marketplace: shared workflows');
  market
    .command('search')
    .description('find listings')
    .argument('[query]', 'words to look for')
    .option('--tag <tag>', 'only this tag')
    .option('--sort <order>', 'installs, stars or recent (default)')
    .action((query: string | undefined, opts: { tag?: string; sort?: string }) =>
      run(async () => {
        const body = asRecord(await ctx.api().listListings({ q: query, tag: opts.tag, sort: opts.sort }));
        const listings = Array.isArray(body.listings) ? body.listings.filter(isRecord) : [];
        if (listings.length === 0) {
          ctx.line('No listings found.');
          return 0;
        }
        const rows = listings.map((l) => [
          str(l.id) ?? '',
          String(num(l.version) ?? ''),
          str(l.title) ?? '',
          str(l.author) ?? '',
          String(num(l.stars) ?? 0),
          String(num(l.installs) ?? 0),
          Array.isArray(l.tags) ? l.tags.join(',') : '',
        ]);
        ctx.io.out(
          table(['ID', 'VERSION', 'TITLE', 'AUTHOR', 'STARS', 'INSTALLS', 'TAGS'], rows, ctx.palette),
        );
        return 0;
      }),
    );
  market
    .command('show')
    .description('a listing: its versions, requirements and definition')
    .argument('<id>', 'the listing id')
    .action((id: string) =>
      run(async () => {
        const l = asRecord(await ctx.api().getListing(id));
        ctx.line(
          `${str(l.title) ?? id}  (${id}, version ${num(l.version) ?? '?'}, by ${str(l.author) ?? '?'})`,
        );
        if (str(l.description)) ctx.line(str(l.description)!);
        printNeeds(ctx, l.requirements);
        ctx.line('');
        ctx.io.out(str(l.source) ?? '');
        return 0;
      }),
    );
  market
    .command('publish')
    .description('share a workflow version as a listing (a new listing version each time)')
    .argument('<workflow>', 'your workflow')
    .requiredOption('--title <text>', 'the listing title')
    .option('--description <text>', 'what it does')
    .option('--tag <tag>', 'a tag; repeatable', collect)
    .option('--workflow-version <n>', 'the workflow version (default: the active one)')
    .option('--visibility <who>', 'public (default) or team', 'public')
    .option('--team <id>', 'with --visibility team: the team that sees it')
    .action(
      (
        workflow: string,
        opts: {
          title: string;
          description?: string;
          tag?: string[];
          workflowVersion?: string;
          visibility: string;
          team?: string;
        },
      ) =>
        run(async () => {
          const body: Json = { workflow, title: opts.title, visibility: opts.visibility };
          if (opts.description !== undefined) body.description = opts.description;
          if (opts.tag !== undefined) body.tags = opts.tag;
          if (opts.workflowVersion !== undefined) body.version = Number(opts.workflowVersion);
          if (opts.team !== undefined) body.team = opts.team;
          const a = asRecord(await ctx.api().publishListing(body));
          ctx.line(`Listing ${str(a.id) ?? '?'} version ${num(a.version) ?? '?'} published.`);
          printNeeds(ctx, a.requirements);
          return 0;
        }),
    );
  market
    .command('install')
    .description('install a listing as a workflow of your own')
    .argument('<id>', 'the listing id')
    .option('--name <name>', 'the new workflow’s name (default: the listing’s)')
    .option('--agent <listed=yours>', 'use your agent instead of a listed one; repeatable', collect)
    .option(
      '--bind <listed=yours>',
      'your webhook path or email address instead of a listed one; repeatable',
      collect,
    )
    .option('--team <id>', "install it as the team's")
    .action((id: string, opts: { name?: string; agent?: string[]; bind?: string[]; team?: string }) =>
      run(async () => {
        const body: Json = {};
        if (opts.name !== undefined) body.name = opts.name;
        if (opts.agent !== undefined) body.agents = pairs('--agent', opts.agent);
        if (opts.bind !== undefined) body.bindings = pairs('--bind', opts.bind);
        if (opts.team !== undefined) body.team = opts.team;
        const a = asRecord(await ctx.api().installListing(id, body));
        ctx.line(
          `${str(a.name) ?? '?'}: version ${num(a.version) ?? '?'} installed from ${id} (listing version ${num(a.listingVersion) ?? '?'})`,
        );
        printNeeds(ctx, a.needs);
        const missing = asRecord(a.missing);
        for (const agent of Array.isArray(missing.agents) ? missing.agents : [])
          ctx.warn(
            `agent ${String(agent)} is not yours to call: install with --agent ${String(agent)}=your-agent@`,
          );
        for (const s of Array.isArray(missing.secrets) ? missing.secrets : [])
          ctx.warn(`missing secret ${String(s)}: chainmail secrets set ${String(s)} < value.txt`);
        for (const v of Array.isArray(missing.variables) ? missing.variables : [])
          ctx.warn(`missing variable ${String(v)}: chainmail variables set ${String(v)} VALUE`);
        return 0;
      }),
    );
  for (const [command, starred] of [
    ['star', true],
    ['unstar', false],
  ] as const) {
    market
      .command(command)
      .description(starred ? 'star a listing' : 'take your star back')
      .argument('<id>', 'the listing id')
      .action((id: string) =>
        run(async () => {
          const a = asRecord(await ctx.api().starListing(id, starred));
          ctx.line(`${id}: ${num(a.stars) ?? 0} star(s)`);
          return 0;
        }),
      );
  }
  market
    .command('unpublish')
    .description('hide your listing from the marketplace (installed copies keep working)')
    .argument('<id>', 'the listing id')
    .action((id: string) =>
      run(async () => {
        await ctx.api().unpublishListing(id);
        ctx.line(`${id} unpublished.`);
        return 0;
      }),
    );
}

async function listTemplates(ctx: CliContext, query?: string, category?: string): Promise<number> {
  const body = asRecord(await ctx.api().listTemplates(query, category));
  const templates = Array.isArray(body.templates) ? body.templates.filter(isRecord) : [];
  if (templates.length === 0) {
    const categories = Array.isArray(body.categories) ? body.categories.join(', ') : '';
    ctx.line(`No template matches. Categories: ${categories}`);
    return 0;
  }
  const rows = templates.map((t) => [str(t.id) ?? '', str(t.category) ?? '', str(t.title) ?? '']);
  ctx.io.out(table(['ID', 'CATEGORY', 'TITLE'], rows, ctx.palette));
  ctx.line('Start from one: chainmail new NAME --from ID   (details: chainmail templates --show ID)');
  return 0;
}

async function showTemplate(ctx: CliContext, id: string): Promise<number> {
  const t = asRecord(await ctx.api().getTemplate(id));
  ctx.line(`${str(t.title) ?? id} (${id}, ${str(t.category) ?? ''})`);
  ctx.line(str(t.description) ?? '');
  const params = Array.isArray(t.parameters) ? t.parameters.filter(isRecord) : [];
  if (params.length > 0) {
    ctx.line('\nParameters (--param name=value):');
    ctx.io.out(
      table(
        ['NAME', 'TYPE', 'DEFAULT', 'DESCRIPTION'],
        params.map((p) => [
          str(p.name) ?? '',
          str(p.type) ?? '',
          JSON.stringify(p.default),
          str(p.description) ?? '',
        ]),
        ctx.palette,
      ),
    );
  }
  const agents = Array.isArray(t.agents) ? t.agents.filter(isRecord) : [];
  ctx.line('\nAgents (out of the box → in production):');
  for (const a of agents) ctx.line(`  ${str(a.address) ?? ''} → ${str(a.production) ?? ''}`);
  for (const [label, key] of [
    ['Secrets', 'secrets'],
    ['Variables', 'variables'],
  ] as const) {
    const list = Array.isArray(t[key]) ? (t[key] as unknown[]).filter(isRecord) : [];
    if (list.length > 0)
      ctx.line(`\n${label}:\n${list.map((s) => `  ${str(s.name)}: ${str(s.description)}`).join('\n')}`);
  }
  ctx.line(`\nSample input: ${JSON.stringify(t.sampleInput ?? {})}`);
  ctx.line(`\n${str(t.guide) ?? ''}`);
  return 0;
}

async function newFromTemplate(
  ctx: CliContext,
  name: string,
  template: string,
  flags: string[],
  team?: string,
): Promise<number> {
  const params = pairs('--param', flags);
  const a = asRecord(await ctx.api().useTemplate(template, { name, params }, team));
  ctx.line(`${str(a.name) ?? name}: version ${num(a.version) ?? '?'} published from template ${template}`);
  printNeeds(ctx, a.needs);
  const inputs = isRecord(a.sampleInput) ? a.sampleInput : {};
  const args = Object.entries(inputs)
    .map(([k, v]) =>
      typeof v === 'string' ? ` --input ${k}=${JSON.stringify(v)}` : ` --input '${k}:=${JSON.stringify(v)}'`,
    )
    .join('');
  ctx.line(`Try it: chainmail run ${str(a.name) ?? name}${args} --follow`);
  return 0;
}

async function exportBundle(ctx: CliContext, name: string): Promise<number> {
  const w = asRecord(await ctx.api().getWorkflow(name));
  const source = str(w.source);
  if (source === undefined)
    throw new UsageError(`${name}: the server did not answer with the definition's text`);
  ctx.io.out(toBundle(source, num(w.version)));
  return 0;
}

async function importBundle(ctx: CliContext, file: string, name?: string, team?: string): Promise<number> {
  const bundle = fromBundle(file, await readFile(file, 'utf8'));
  const source = name === undefined ? bundle.definition : rewriteWorkflow(bundle.definition, name);
  const published = await ctx.api().publishWorkflow(source, 'yaml', team);
  ctx.line(`${published.name}: version ${published.version} published from ${file}`);
  printNeeds(ctx, bundle.requires);
  return 0;
}

function printNeeds(ctx: CliContext, needs: unknown): void {
  const n = asRecord(needs);
  const line = (label: string, key: string, how: string): void => {
    const list = Array.isArray(n[key]) ? (n[key] as unknown[]).map(String) : [];
    if (list.length > 0) ctx.line(`  ${label}: ${list.join(', ')}${how}`);
  };
  ctx.line('Needs:');
  line('agents', 'agents', '');
  line('workflows', 'workflows', '');
  line('secrets', 'secrets', '  (chainmail secrets set NAME)');
  line('variables', 'variables', '  (chainmail variables set NAME VALUE)');
}

function pairs(flag: string, values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`${flag} "${v}": expected KEY=VALUE`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function asRecord(value: unknown): Json {
  return isRecord(value) ? value : {};
}
