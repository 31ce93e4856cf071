import { teamOwner, userOwner, type Actor, type TeamMembership, type TeamRole } from './identity';

/**
 * Who may do what to an owner's objects (workflows, versions, runs, agent entries, schedules,
 * deliveries, inbound records). Shared by the edge (requests), the registry (publishing over a
 * name) and execution (what a run may use), so the rules are written once.
 */

/** The admin created at first start: it owns the shipped examples (see `FIRST_ADMIN_OWNER`). */
export const FIRST_ADMIN_USER_ID = 'usr_admin';
export const FIRST_ADMIN_OWNER = userOwner(FIRST_ADMIN_USER_ID);
/** The owner every object had before ownership existed: read as the first admin's. */
export const LEGACY_OWNER = 'default';
/**
 * Agent entries from the server's configuration (`CHAINMAIL_MODEL_URL`): like builtins, listed
 * for and usable by every owner unless the entry lists `allowedOwners`.
 */
export const INSTALLATION_OWNER = 'installation';
/** In an agent entry's `allowedOwners`: every owner. */
export const ANY_OWNER = '*';

/** The owner as the rules read it: the legacy `default` is the first admin. */
export function canonicalOwner(owner: string): string {
  return owner === LEGACY_OWNER ? FIRST_ADMIN_OWNER : owner;
}

/** What one may do to an owner's objects. `manage`: a team's members (part of the identity routes). */
export type OwnerAction = 'read' | 'run' | 'publish' | 'manage';

/** Roles × actions: the one table the docs repeat ("Who can do what"). */
export const ROLE_ACTIONS: Readonly<Record<TeamRole, readonly OwnerAction[]>> = {
  owner: ['read', 'run', 'publish', 'manage'],
  editor: ['read', 'run', 'publish'],
  runner: ['read', 'run'],
  viewer: ['read'],
};

/** A user's standing: its own objects (role `owner`) and each team's, with its role there. */
export interface OwnerRights {
  userId: string;
  /** Canonical owner → the user's role on it. */
  roles: ReadonlyMap<string, TeamRole>;
}

/** The rights of a caller, or of a run's owner user (`user:<id>`, with its memberships). */
export function rightsOf(subject: { userId: string; teams: readonly TeamMembership[] }): OwnerRights {
  const roles = new Map<string, TeamRole>([[userOwner(subject.userId), 'owner']]);
  for (const team of subject.teams) roles.set(teamOwner(team.teamId), team.role);
  return { userId: subject.userId, roles };
}

export const actorRights = (actor: Pick<Actor, 'userId' | 'teams'>): OwnerRights => rightsOf(actor);

/** The role on an owner's objects, or undefined when they are not visible at all. */
export function roleOn(rights: OwnerRights, owner: string): TeamRole | undefined {
  return rights.roles.get(canonicalOwner(owner));
}

export function mayDo(rights: OwnerRights, owner: string, action: OwnerAction): boolean {
  const role = roleOn(rights, owner);
  return role !== undefined && ROLE_ACTIONS[role].includes(action);
}

/** The owners whose objects a user sees, as stored (the legacy `default` with the first admin's): for queries. */
export function visibleOwners(rights: OwnerRights): string[] {
  const owners = [...rights.roles.keys()];
  if (rights.roles.has(FIRST_ADMIN_OWNER)) owners.push(LEGACY_OWNER);
  return owners;
}

/** The owners a user may publish for (`editor` or `owner`), canonical. */
export function publishableOwners(rights: OwnerRights): string[] {
  return [...rights.roles.entries()]
    .filter(([, role]) => ROLE_ACTIONS[role].includes('publish'))
    .map(([o]) => o);
}

/** An agent entry as the rules need it; a builtin has no owner. */
export interface AgentUseRule {
  owner?: string;
  allowedOwners?: readonly string[];
}

/**
 * Whether a run of `runOwner` may call the agent: builtins always; a registered entry when the
 * run has the entry's owner, or the entry lists the run's owner (or `*`) in `allowedOwners`;
 * an entry of the installation's configuration when it lists no `allowedOwners`. Team
 * membership does not extend an entry: a team's agent serves the team's runs and those it lists.
 */
export function mayUseAgent(entry: AgentUseRule, runOwner: string): boolean {
  if (entry.owner === undefined) return true;
  const run = canonicalOwner(runOwner);
  if (canonicalOwner(entry.owner) === run) return true;
  if (entry.allowedOwners !== undefined) {
    return entry.allowedOwners.some((o) => o === ANY_OWNER || canonicalOwner(o) === run);
  }
  return entry.owner === INSTALLATION_OWNER;
}

/** Whether an agent entry is listed for a caller: builtins and installation entries for all, others to who may use them. */
export function agentVisibleTo(entry: AgentUseRule, rights: OwnerRights): boolean {
  if (entry.owner === undefined || entry.owner === INSTALLATION_OWNER) return true;
  if (roleOn(rights, entry.owner) !== undefined) return true;
  return [...rights.roles.keys()].some((owner) => mayUseAgent(entry, owner));
}

/** `user:<id>`, `team:<id>` or `*`: what `allowedOwners` may list. */
export function isOwnerPattern(text: string): boolean {
  return text === ANY_OWNER || /^(user|team):[A-Za-z0-9_-]{1,100}$/.test(text);
}

/**
 * Whether a run of `runOwner` may start a sub-workflow owned by `workflowOwner`: one of the same
 * owner, or of a team the run's owner (a user) may run workflows of (`runner`, `editor` or
 * `owner` there; `ownerTeams` are that user's memberships at the time of the call).
 */
export function mayStartWorkflow(
  runOwner: string,
  workflowOwner: string,
  ownerTeams: readonly TeamMembership[] = [],
): boolean {
  const run = canonicalOwner(runOwner);
  const target = canonicalOwner(workflowOwner);
  if (run === target) return true;
  if (!run.startsWith('user:')) return false;
  return mayDo(rightsOf({ userId: run.slice('user:'.length), teams: ownerTeams }), target, 'run');
}
