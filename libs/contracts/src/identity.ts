/**
 * Who is calling: identities, scopes and roles shared by the edge (which authenticates) and by
 * anything that decides on an actor's behalf (ownership, run rights, audit).
 */

/** What a token (or an OpenID Connect login) may do, route by route. Independent of each other. */
export type Scope = 'read' | 'run' | 'write' | 'admin';
export const SCOPES: readonly Scope[] = ['read', 'run', 'write', 'admin'];

/** A member's role on a team: owner (members and everything below), editor (publish, roll back, run), runner (run, read), viewer (read). */
export type TeamRole = 'owner' | 'editor' | 'runner' | 'viewer';
export const TEAM_ROLES: readonly TeamRole[] = ['owner', 'editor', 'runner', 'viewer'];

export interface TeamMembership {
  teamId: string;
  role: TeamRole;
}

/**
 * The authenticated caller of one request. `tokenId` is null for an OpenID Connect login.
 * `scopes` are the token's scopes as the user may hold them (a non-admin user never has `admin`).
 */
export interface Actor {
  userId: string;
  name: string;
  admin: boolean;
  teams: TeamMembership[];
  scopes: Scope[];
  tokenId: string | null;
  via: 'token' | 'oidc';
  /** When the credential stops working (a token's expiry, a JWT's `exp`); null: never. */
  expiresAt: string | null;
}

/** An owner of objects (workflows, runs, secrets…): a user or a team, written `user:<id>` / `team:<id>`. */
export type OwnerRef = `user:${string}` | `team:${string}`;
export const userOwner = (userId: string): OwnerRef => `user:${userId}`;
export const teamOwner = (teamId: string): OwnerRef => `team:${teamId}`;

/** Every owner an actor acts for: the user, then each team it belongs to. */
export function ownersOf(actor: Pick<Actor, 'userId' | 'teams'>): OwnerRef[] {
  return [userOwner(actor.userId), ...actor.teams.map((t) => teamOwner(t.teamId))];
}
