import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { ChainmailError, type Actor } from '@chainmail/contracts';
import {
  actorExpiry,
  ApiTokenVerifier,
  credentialKey,
  CredentialCache,
  TOKEN_PREFIX,
  TOKEN_USAGE_FLUSH_MS,
  type CredentialCacheOptions,
  type IdentityStore,
} from '@chainmail/identity';
import type { OidcSignIn } from './oidc-sign-in';

/**
 * Turns a bearer credential into the `Actor` of a request: an API token (`cm_…`, checked by the
 * identity library's `ApiTokenVerifier`) or, when configured, a JWT of the OpenID Connect issuer
 * (`OidcSignIn`: the console's ID token, or an access token for the API). Resolved callers are kept in a `CredentialCache`
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
    private readonly oidc: OidcSignIn | undefined,
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
    return this.oidc.actor(bearer);
  }
}
