import { ChainmailError, SCOPES, type Actor, type Scope } from '@chainmail/contracts';
import type { MembershipRepository } from './membership.repository';
import type { TokenRepository } from './token.repository';
import { parseApiToken, secretMatches } from './token-format';

/** How often the last use of tokens is written, in one statement for all of them. */
export const TOKEN_USAGE_FLUSH_MS = 10_000;

/**
 * Turns an API token (`cm_<id>_<secret>`) into the `Actor` it stands for, reading Postgres: the
 * row by id, the secret's hash compared in constant time, refused once revoked or expired; the
 * user's teams. Uncached: put a `CredentialCache` in front of it. `last_used_at` is written on
 * each such read, and for uses served from the cache (`recordUse`) in one batch by `flushUsage()`.
 */
export class ApiTokenVerifier {
  private readonly used = new Set<string>();

  constructor(
    private readonly tokens: TokenRepository,
    private readonly memberships: MembershipRepository,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(bearer: string): Promise<Actor> {
    const parts = parseApiToken(bearer);
    const token = parts ? await this.tokens.credential(parts.id) : undefined;
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
    // A use read from Postgres is written at once, without waiting (this path costs a round trip
    // anyway); the uses the cache serves afterwards are written in batches.
    this.tokens.touch([token.id]).catch(() => this.used.add(token.id));
    return {
      userId: token.userId,
      name: token.userName,
      admin: token.userAdmin,
      teams: await this.memberships.of(token.userId),
      // A user who is no longer an admin keeps no admin power through an older token.
      scopes: effectiveScopes(token.scopes, token.userAdmin),
      tokenId: token.id,
      via: 'token',
      expiresAt: token.expiresAt,
    };
  }

  /** A request authenticated from the cache still counts as a use of its token. */
  recordUse(tokenId: string): void {
    this.used.add(tokenId);
  }

  /** Writes `last_used_at` of the tokens used since the last flush; on failure they are kept for the next. */
  async flushUsage(): Promise<void> {
    if (this.used.size === 0) return;
    const ids = [...this.used];
    this.used.clear();
    try {
      await this.tokens.touch(ids);
    } catch (err) {
      for (const id of ids) this.used.add(id);
      throw err;
    }
  }
}

/** The scopes a credential grants: known ones only, and `admin` only to an admin. */
export function effectiveScopes(scopes: readonly Scope[], admin: boolean): Scope[] {
  return SCOPES.filter((s) => scopes.includes(s) && (s !== 'admin' || admin));
}

/** When a cached actor must be dropped at the latest: its credential's expiry (epoch ms). */
export function actorExpiry(actor: Pick<Actor, 'expiresAt'>): number {
  return actor.expiresAt === null ? Infinity : Date.parse(actor.expiresAt);
}
