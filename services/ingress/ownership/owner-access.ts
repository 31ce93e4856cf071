import {
  actorRights,
  ChainmailError,
  mayDo,
  roleOn,
  ROLE_ACTIONS,
  teamOwner,
  userOwner,
  visibleOwners,
  type Actor,
  type OwnerAction,
} from '@chainmail/contracts';

/**
 * The edge's ownership checks. An object the caller cannot see answers with `notFound` (404, so
 * names and ids do not leak); one it sees without the role the action needs answers 403.
 */
export function requireOwnerAccess(
  actor: Actor,
  owner: string,
  action: OwnerAction,
  notFound: () => ChainmailError,
): void {
  const rights = actorRights(actor);
  const role = roleOn(rights, owner);
  if (role === undefined) throw notFound();
  if (mayDo(rights, owner, action)) return;
  const needed = (Object.keys(ROLE_ACTIONS) as (keyof typeof ROLE_ACTIONS)[]).filter((r) =>
    ROLE_ACTIONS[r].includes(action),
  );
  throw new ChainmailError(
    'FORBIDDEN',
    `Your role on ${owner} is ${role}; to ${action} its objects you need to be ${needed.join(' or ')}.`,
    { owner, role, action, requiredRole: needed },
  );
}

export const canSee = (actor: Actor, owner: string): boolean =>
  roleOn(actorRights(actor), owner) !== undefined;

/** The owners whose objects the caller sees, as stored: for the `owner = ANY(...)` of queries. */
export const ownersVisibleTo = (actor: Actor): string[] => visibleOwners(actorRights(actor));

/**
 * The owner a new object gets: the caller's own (`user:<id>`), or a team's with `?team=<id>`
 * (or `team:<id>`), which needs `action`'s role on that team. A team the caller is not in is 404.
 */
export function ownerFor(actor: Actor, team: string | undefined, action: OwnerAction): string {
  if (team === undefined || team === '') return userOwner(actor.userId);
  const teamId = team.startsWith('team:') ? team.slice('team:'.length) : team;
  const owner = teamOwner(teamId);
  requireOwnerAccess(
    actor,
    owner,
    action,
    () => new ChainmailError('TEAM_NOT_FOUND', `No team has the id "${teamId}".`, { teamId }),
  );
  return owner;
}

/** The owners (as stored) on whose objects the caller may do `action`: for queries of what it may act on. */
export function ownersWhereMay(actor: Actor, action: OwnerAction): string[] {
  const rights = actorRights(actor);
  return visibleOwners(rights).filter((owner) => mayDo(rights, owner, action));
}
