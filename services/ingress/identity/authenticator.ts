import { Logger } from '@nestjs/common';
import { ChainmailError, SCOPES, type Actor, type Scope, type TeamRole } from '@chainmail/contracts';
import type { IdentityRepository } from './identity.repository';
import type { OidcVerifier } from './oidc.verifier';
import { credentialKey, parseApiToken, secretMatches, TOKEN_PREFIX } from './token-format';

/** How long a resolved caller is reused: revocations and role changes elsewhere land within it. */
export const ACTOR_CACHE_MS = 1_000;
const CACHE_MAX = 10_000;

interface Cached {
  actor: Actor;
  until: number;
}

/**
 * Turns a bearer credential into the `Actor` of a request: an API token (`cm_…`, looked up by id,
 * its secret's hash compared in constant time, refused once revoked or expired) or, when
 * configured, an OpenID Connect access token (a JWT; its user and teams created on first sight).
 * Callers are cached for a second at most, and dropped at once on any identity change.
 */
export class Authenticator {
  private readonly cache = new Map<string, Cached>();
  private readonly logger = new Logger('identity');

  constructor(
    private readonly identities: IdentityRepository,
    private readonly oidc: OidcVerifier | undefined,
    private readonly oidcDefaultRole: TeamRole,
    private readonly now: () => number = Date.now,
  ) {}

  async authenticate(bearer: string): Promise<Actor> {
    const key = credentialKey(bearer);
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && cached.until > now) return cached.actor;
    const actor = bearer.startsWith(TOKEN_PREFIX)
      ? await this.apiToken(bearer)
      : await this.openIdConnect(bearer);
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    const expires = actor.expiresAt === null ? Infinity : Date.parse(actor.expiresAt);
    this.cache.set(key, { actor, until: Math.min(now + ACTOR_CACHE_MS, expires) });
    return actor;
  }

  /** Forget every cached caller (a token was revoked, a role changed, here or on another replica). */
  invalidate(): void {
    this.cache.clear();
  }

  private async apiToken(bearer: string): Promise<Actor> {
    const parts = parseApiToken(bearer);
    const token = parts ? await this.identities.credential(parts.id) : undefined;
    // Unknown id and wrong secret answer alike: nothing tells a guesser which ids exist.
    if (!parts || !token || !secretMatches(parts.secret, token.secretHash)) {
      throw new ChainmailError('UNAUTHENTICATED', 'The API token is not valid.');
    }
    if (token.revokedAt !== null) {
      throw new ChainmailError(
        'UNAUTHENTICATED',
        `The API token "${token.name}" was revoked at ${token.revokedAt}.`,
      );
    }
    if (token.expiresAt !== null && Date.parse(token.expiresAt) <= this.now()) {
      throw new ChainmailError(
        'UNAUTHENTICATED',
        `The API token "${token.name}" expired at ${token.expiresAt}.`,
      );
    }
    void this.identities.touchToken(token.id).catch((err: unknown) => {
      this.logger.warn(`could not record the use of token ${token.id}: ${(err as Error).message}`);
    });
    return {
      userId: token.userId,
      name: token.userName,
      admin: token.userAdmin,
      teams: await this.identities.membershipsOf(token.userId),
      // A user who is no longer an admin keeps no admin power through an older token.
      scopes: effectiveScopes(token.scopes, token.userAdmin),
      tokenId: token.id,
      via: 'token',
      expiresAt: token.expiresAt,
    };
  }

  private async openIdConnect(bearer: string): Promise<Actor> {
    if (!this.oidc) {
      throw new ChainmailError(
        'UNAUTHENTICATED',
        'The bearer token is not a Chainmail API token (cm_…), and single sign-on is not configured.',
      );
    }
    const identity = await this.oidc.verify(bearer);
    const user = await this.identities.upsertExternalUser({
      externalId: identity.externalId,
      name: identity.name,
      email: identity.email,
      admin: identity.admin,
    });
    await this.syncGroups(user.id, identity.groups);
    return {
      userId: user.id,
      name: user.name,
      admin: identity.admin,
      teams: await this.identities.membershipsOf(user.id),
      scopes: effectiveScopes(identity.scopes, identity.admin),
      tokenId: null,
      via: 'oidc',
      expiresAt: identity.expiresAt,
    };
  }

  /**
   * The groups claim decides membership of the teams that mirror groups: new ones are joined with
   * the default role, left ones are left. A role an owner gave on such a team is kept.
   */
  private async syncGroups(userId: string, groups: string[]): Promise<void> {
    const teams = await Promise.all(groups.map((g) => this.identities.teamForGroup(g)));
    const wanted = new Set(teams.map((t) => t.id));
    const current = await this.identities.membershipsOf(userId);
    const have = new Set(current.map((m) => m.teamId));
    for (const team of teams) {
      if (!have.has(team.id)) await this.identities.setMember(team.id, userId, this.oidcDefaultRole);
    }
    const mirrored = await this.identities.teams(userId);
    for (const team of mirrored) {
      if (team.externalGroup !== null && !wanted.has(team.id))
        await this.identities.removeMember(team.id, userId);
    }
  }
}

function effectiveScopes(scopes: readonly Scope[], admin: boolean): Scope[] {
  return SCOPES.filter((s) => scopes.includes(s) && (s !== 'admin' || admin));
}
