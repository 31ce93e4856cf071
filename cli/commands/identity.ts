import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { ChainmailApi } from '../api-client';
import { isRecord, str } from '../api-types';
import { UsageError, type CliContext } from '../context';
import { generateToken } from '../credentials';
import { parseList, parseMe, parseToken, parseTokens, type MeView } from '../identity-types';
import { formatAge, table } from '../render';
import { positiveInt, type ActionRunner } from './options';

const SCOPES = ['read', 'run', 'write', 'admin'];
const ROLES = ['owner', 'editor', 'runner', 'viewer'];

/** `login`, `whoami`, `tokens create|list|revoke|generate`, `users create|list`, `teams …`, `audit`. */
export function registerIdentityCommands(program: Command, ctx: CliContext, run: ActionRunner): void {
  program
    .command('login')
    .description(
      'check a token with the server (GET /v1/me) and save it for its URL; without --token, read it from stdin',
    )
    .action(() => run(() => login(ctx)));

  program
    .command('whoami')
    .description('who the current token is: user, scopes, teams')
    .action(() => run(() => whoami(ctx)));

  const tokens = program.command('tokens').description('API tokens: create, list, revoke');
  tokens
    .command('create')
    .description('create a token (shown once); for another user with --user (admin)')
    .requiredOption('--name <name>', 'what the token is for, e.g. ci or laptop')
    .option(
      '--scopes <list>',
      'comma list of read, run, write, admin (default: yours, without admin)',
      scopeList,
    )
    .option(
      '--expires <duration>',
      'lifetime such as 12h, 30d or 2w (default: never, or when yours ends)',
      duration,
    )
    .option('--user <id>', 'the user the token is for (admin)')
    .option('-q, --quiet', 'print only the token')
    .action((opts: { name: string; scopes?: string[]; expires?: string; user?: string; quiet?: boolean }) =>
      run(() => createToken(ctx, opts)),
    );
  tokens
    .command('list')
    .description('your tokens (never their secrets); --all or --user for an admin')
    .option('--all', "everyone's tokens (admin)")
    .option('--user <id>', "another user's tokens (admin)")
    .action((opts: { all?: boolean; user?: string }) => run(() => listTokens(ctx, opts)));
  tokens
    .command('revoke')
    .description('revoke a token: refused at once')
    .argument('<id>', 'the token id (the 16 hex digits after cm_)')
    .action((id: string) => run(() => revokeToken(ctx, id)));
  tokens
    .command('show')
    .description(
      'print the token the CLI uses for the URL, e.g. export CHAINMAIL_TOKEN=$(chainmail tokens show)',
    )
    .action(() =>
      run(async () => {
        const { baseUrl, token } = ctx.settings();
        if (token === undefined) throw new UsageError(`No token for ${baseUrl}: run \`chainmail login\`.`);
        ctx.line(token);
        return 0;
      }),
    );
  tokens
    .command('generate')
    .description('print a new random token, offline: a value for CHAINMAIL_ADMIN_TOKEN')
    .action(() =>
      run(async () => {
        ctx.line(generateToken());
        return 0;
      }),
    );

  const users = program.command('users').description('users (admin)');
  users
    .command('create')
    .description('create a user; then give it a token with `chainmail tokens create --user ID`')
    .requiredOption('--name <name>', 'the name shown for the user')
    .option('--email <address>', 'the email address')
    .option('--admin', 'the user may hold admin tokens')
    .action((opts: { name: string; email?: string; admin?: boolean }) => run(() => createUser(ctx, opts)));
  users
    .command('list')
    .description('every user')
    .action(() => run(() => listUsers(ctx)));

  const teams = program.command('teams').description('teams and their members (workspaces)');
  teams
    .command('create')
    .description('create a team (admin); its owner is you, or --owner')
    .argument('<name>', 'the team name')
    .option('--owner <user-id>', 'the first owner')
    .action((name: string, opts: { owner?: string }) => run(() => createTeam(ctx, name, opts.owner)));
  teams
    .command('list')
    .description('your teams (every team for an admin)')
    .action(() => run(() => listTeams(ctx)));
  teams
    .command('add-member')
    .description("add a member or change a member's role (team owner or admin)")
    .argument('<team-id>')
    .argument('<user-id>')
    .requiredOption('--role <role>', ROLES.join(' | '), role)
    .action((teamId: string, userId: string, opts: { role: string }) =>
      run(() => addMember(ctx, teamId, userId, opts.role)),
    );
  teams
    .command('remove-member')
    .description('remove a member (team owner or admin)')
    .argument('<team-id>')
    .argument('<user-id>')
    .action((teamId: string, userId: string) => run(() => removeMember(ctx, teamId, userId)));

  program
    .command('audit')
    .description('who did what: tokens, roles, rollbacks (admin), newest first')
    .option('--action <action>', 'an action or a group of them: token, token.revoked, team.member, workflow')
    .option('--actor <user-id>', 'what one user did')
    .option('--limit <n>', 'how many (default 50)', positiveInt('--limit'), 50)
    .action((opts: { action?: string; actor?: string; limit: number }) => run(() => audit(ctx, opts)));
}

async function login(ctx: CliContext): Promise<number> {
  const { baseUrl } = ctx.settings();
  const token = ctx.givenToken() ?? (await ctx.io.readLine?.(`API token for ${baseUrl}: `))?.trim();
  if (!token) throw new UsageError('Give the token with --token, CHAINMAIL_TOKEN, or on stdin.');
  const me = parseMe(await new ChainmailApi(baseUrl, { token }).me());
  ctx.credentials.save(baseUrl, token, 'login', ctx.io.now());
  ctx.line(`Logged in to ${baseUrl} as ${describe(me)}.`);
  ctx.line(ctx.palette.paint('dim', `Saved in ${ctx.credentials.path ?? '(nowhere)'}`));
  return 0;
}

async function whoami(ctx: CliContext): Promise<number> {
  const me = parseMe(await ctx.api().me());
  ctx.line(describe(me));
  for (const team of me.teams) ctx.line(`  team ${team.name} (${team.id}): ${team.role ?? '-'}`);
  return 0;
}

function describe(me: MeView): string {
  const token = me.token ? `, token "${me.token.name}" (${me.token.id})` : ' (single sign-on)';
  return `${me.user.name} (${me.user.id}${me.user.admin ? ', admin' : ''}), scopes ${me.scopes.join(', ')}${token}`;
}

async function createToken(
  ctx: CliContext,
  opts: { name: string; scopes?: string[]; expires?: string; user?: string; quiet?: boolean },
): Promise<number> {
  const created = parseToken(
    await ctx.api().createToken({
      name: opts.name,
      ...(opts.scopes ? { scopes: opts.scopes } : {}),
      ...(opts.expires ? { expiresIn: opts.expires } : {}),
      ...(opts.user ? { userId: opts.user } : {}),
    }),
  );
  if (opts.quiet) {
    ctx.line(created.token ?? '');
    return 0;
  }
  const expires = created.expiresAt === null ? 'never expires' : `expires ${created.expiresAt}`;
  ctx.line(
    `Token ${created.id} "${created.name}" for ${created.userId}: ${created.scopes.join(', ')}; ${expires}.`,
  );
  ctx.line('');
  ctx.line(`  ${created.token ?? ''}`);
  ctx.line('');
  ctx.line(
    ctx.palette.paint(
      'dim',
      'Shown this once (stored only hashed). Use it as CHAINMAIL_TOKEN, with `chainmail login`, or "Authorization: Bearer …".',
    ),
  );
  return 0;
}

async function listTokens(ctx: CliContext, opts: { all?: boolean; user?: string }): Promise<number> {
  const tokens = parseTokens(await ctx.api().listTokens({ all: opts.all, userId: opts.user }));
  const now = ctx.io.now();
  const rows = tokens.map((t) => [
    t.id,
    t.name,
    t.userId,
    t.scopes.join(','),
    ctx.palette.paint(t.status === 'active' ? 'green' : 'dim', t.status),
    t.expiresAt ?? 'never',
    t.lastUsedAt === null ? 'never' : formatAge(t.lastUsedAt, now),
  ]);
  ctx.io.out(table(['ID', 'NAME', 'USER', 'SCOPES', 'STATUS', 'EXPIRES', 'LAST USED'], rows, ctx.palette));
  return 0;
}

async function revokeToken(ctx: CliContext, id: string): Promise<number> {
  const revoked = parseToken(await ctx.api().revokeToken(id));
  ctx.line(`Token ${revoked.id} "${revoked.name}" is revoked.`);
  return 0;
}

async function createUser(
  ctx: CliContext,
  opts: { name: string; email?: string; admin?: boolean },
): Promise<number> {
  const user = await ctx.api().createUser({
    name: opts.name,
    ...(opts.email ? { email: opts.email } : {}),
    ...(opts.admin ? { admin: true } : {}),
  });
  const id = isRecord(user) ? str(user.id) : undefined;
  ctx.line(`User ${opts.name}: ${id ?? '?'}`);
  ctx.line(
    ctx.palette.paint(
      'dim',
      `Give it a token: chainmail tokens create --user ${id ?? 'ID'} --name NAME --scopes read,run`,
    ),
  );
  return 0;
}

async function listUsers(ctx: CliContext): Promise<number> {
  const users = parseList(await ctx.api().listUsers(), 'users');
  const rows = users.map((u) => [
    str(u.id) ?? '',
    str(u.name) ?? '',
    str(u.email) ?? '',
    u.admin === true ? 'admin' : '',
  ]);
  ctx.io.out(table(['ID', 'NAME', 'EMAIL', ''], rows, ctx.palette));
  return 0;
}

async function createTeam(ctx: CliContext, name: string, owner?: string): Promise<number> {
  const team = await ctx.api().createTeam({ name, ...(owner ? { owner } : {}) });
  ctx.line(`Team ${name}: ${(isRecord(team) && str(team.id)) || '?'}`);
  return 0;
}

async function listTeams(ctx: CliContext): Promise<number> {
  const teams = parseList(await ctx.api().listTeams(), 'teams');
  ctx.io.out(
    table(
      ['ID', 'NAME'],
      teams.map((t) => [str(t.id) ?? '', str(t.name) ?? '']),
      ctx.palette,
    ),
  );
  return 0;
}

async function addMember(ctx: CliContext, teamId: string, userId: string, role: string): Promise<number> {
  const answer = await ctx.api().setMember(teamId, userId, role);
  const outcome = (isRecord(answer) && str(answer.outcome)) || 'done';
  ctx.line(`${userId} on ${teamId}: ${role} (${outcome})`);
  return 0;
}

async function removeMember(ctx: CliContext, teamId: string, userId: string): Promise<number> {
  await ctx.api().removeMember(teamId, userId);
  ctx.line(`${userId} left ${teamId}.`);
  return 0;
}

async function audit(
  ctx: CliContext,
  opts: { action?: string; actor?: string; limit: number },
): Promise<number> {
  const entries = parseList(await ctx.api().audit(opts), 'entries');
  const rows = entries.map((e) => {
    const actor = isRecord(e.actor) ? (str(e.actor.userId) ?? '') : '';
    const target = isRecord(e.target) ? `${str(e.target.kind) ?? ''} ${str(e.target.id) ?? ''}` : '';
    return [
      str(e.at) ?? '',
      str(e.action) ?? '',
      actor,
      target,
      e.details === undefined ? '' : JSON.stringify(e.details),
    ];
  });
  ctx.io.out(table(['TIME', 'ACTION', 'ACTOR', 'TARGET', 'DETAILS'], rows, ctx.palette));
  return 0;
}

function scopeList(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const unknown = list.filter((s) => !SCOPES.includes(s));
  if (list.length === 0 || unknown.length > 0)
    throw new InvalidArgumentError(`scopes are ${SCOPES.join(', ')}.`);
  return list;
}

function duration(value: string): string {
  if (!/^\d+[smhdw]$/.test(value)) throw new InvalidArgumentError('a duration such as 90m, 12h, 30d or 2w.');
  return value;
}

function role(value: string): string {
  if (!ROLES.includes(value)) throw new InvalidArgumentError(`one of ${ROLES.join(', ')}.`);
  return value;
}
