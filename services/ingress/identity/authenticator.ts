import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChainmailError, type Actor, type TeamRole } from '@chainmail/contracts';
import {
  actorExpiry,
  ApiTokenVerifier,
  credentialKey,
  CredentialCache,
  effectiveScopes,
  TOKEN_PREFIX,
  TOKEN_USAGE_FLUSH_MS,
  type CredentialCacheOptions,
  type IdentityStore,
} from '@chainmail/identity';
import type { OidcVerifier } from './oidc.verifier';

/**
 * Turns a bearer credential into the `Actor` of a request: an API token (`cm_…`, checked by the
 * identity library's `ApiTokenVerifier`) or, when configured, an OpenID Connect access token (a
 * JWT; its user and teams created on first sight). Resolved callers are kept in a `CredentialCache`
 * (a few seconds at most, dropped at once on any identity change announced to this replica), so a
 * request normally costs no database round trip; token uses are written in batches.
 */
export class Authenticator implements OnModuleInit, OnModuleDestroy {
  private readonly cache: CredentialCache<Actor>;
  private readonly tokens: ApiTokenVerifier;
  private readonly logger = new Logger('identity');
  private flusher: NodeJS.Timeout | undefined;

  constructor(
    private readonly identities: IdentityStore,
    private readonly oidc: OidcVerifier | undefined,
    private readonly oidcDefaultRole: TeamRole,
    private readonly now: () => number = Date.now,
    cache: CredentialCacheOptions = {},
  ) {
    this.cache = new CredentialCache<Actor>({ now, ...cache });
    this.tokens = new ApiTokenVerifier(identities.tokens, identities.memberships, now);
  }

  onModuleInit(): void {
    this.flusher = setInterval(() => void this.flushUsage(), TOKEN_USAGE_FLUSH_MS);
    this.flusher.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.flusher);
    await this.flushUsage();
  }

  async authenticate(bearer: string): Promise<Actor> {
    const actor = await this.cache.get(
      credentialKey(bearer),
      () => (bearer.startsWith(TOKEN_PREFIX) ? this.tokens.verify(bearer) : this.openIdConnect(bearer)),
      actorExpiry,
    );
    if (actor.tokenId !== null) this.tokens.recordUse(actor.tokenId);
    return actor;
  }

  /** Forget every cached caller (a token was revoked, a role changed, here or on another replica). */
  invalidate(): void {
    this.cache.invalidate();
  }

  /** Writes the last use of the tokens used since the last flush (`last_used_at`, at most once a minute each). */
  async flushUsage(): Promise<void> {
    try {
      await this.tokens.flushUsage();
    } catch (err) {
      this.logger.warn(`could not record the use of tokens: ${(err as Error).message}`);
    }
  }

  private async openIdConnect(bearer: string): Promise<Actor> {
    if (!this.oidc) {
      throw new ChainmailError(
        'UNAUTHENTICATED',
        'The bearer token is not a Chainmail API token (cm_…), and single sign-on is not configured.',
      );
    }
    const identity = await this.oidc.verify(bearer);
    const user = await this.identities.users.upsertExternal({
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
      teams: await this.identities.memberships.of(user.id),
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
    const { teams, memberships } = this.identities;
    const mirrors = await Promise.all(groups.map((g) => teams.forGroup(g)));
    const wanted = new Set(mirrors.map((t) => t.id));
    const have = new Set((await memberships.of(userId)).map((m) => m.teamId));
    for (const team of mirrors) {
      if (!have.has(team.id)) await memberships.set(team.id, userId, this.oidcDefaultRole);
    }
    for (const team of await teams.list(userId)) {
      if (team.externalGroup !== null && !wanted.has(team.id)) await memberships.remove(team.id, userId);
    }
  }
}
