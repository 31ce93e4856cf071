import { ChainmailError, SCOPES, type Actor, type Scope } from '@chainmail/contracts';
import type { AuditRecorder } from './audit.recorder';
import type { CreateTokenBody } from './identity.dto';
import { generateApiToken, hashSecret, type IdentityStore, type TokenRecord } from '@chainmail/identity';

export interface TokenView extends TokenRecord {
  status: 'active' | 'expired' | 'revoked';
}

export interface CreatedToken extends TokenView {
  /** The whole token: shown this once, stored nowhere. */
  token: string;
}

/**
 * API tokens: create (for yourself, or as an admin for anyone), list, revoke. A token never gets
 * more than its creator has: scopes within the caller's, an expiry no later than the caller's.
 */
export class TokensService {
  constructor(
    private readonly identities: IdentityStore,
    private readonly audit: AuditRecorder,
    private readonly changed: () => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(actor: Actor, request: CreateTokenBody): Promise<CreatedToken> {
    const userId = request.userId ?? actor.userId;
    const forOther = userId !== actor.userId;
    if (forOther && !actor.scopes.includes('admin')) {
      throw new ChainmailError('FORBIDDEN', 'Creating a token for another user needs the admin scope.');
    }
    const user = await this.identities.users.byId(userId);
    if (!user) throw new ChainmailError('USER_NOT_FOUND', `No user has the id "${userId}".`, { userId });
    const scopes = request.scopes ?? defaultScopes(actor, forOther);
    if (scopes.includes('admin') && !user.admin) {
      throw new ChainmailError(
        'FORBIDDEN',
        `${user.name} is not an admin: their tokens cannot have the admin scope.`,
      );
    }
    const beyond = forOther ? [] : scopes.filter((s) => !actor.scopes.includes(s));
    if (beyond.length > 0) {
      throw new ChainmailError(
        'FORBIDDEN',
        `A token cannot have scopes its creator lacks: ${beyond.join(', ')}. This ${actor.via === 'token' ? 'token' : 'sign-in'} has ${actor.scopes.join(', ')}.`,
        { scopes: beyond },
      );
    }
    const expiresAt = this.expiry(actor, request.expiresAt, forOther);
    const { id, secret, token } = generateApiToken();
    const record = await this.identities.transaction(async (tx) => {
      const inserted = await this.identities.tokens.insert(
        {
          id,
          userId,
          name: request.name,
          secretHash: hashSecret(secret),
          scopes,
          createdBy: actor.userId,
          expiresAt,
        },
        tx,
      );
      await this.audit.record(
        actor,
        'token.created',
        { kind: 'token', id },
        {
          userId,
          name: request.name,
          scopes,
          expiresAt: inserted.expiresAt,
        },
      );
      return inserted;
    });
    return { ...this.view(record), token };
  }

  /** The caller's tokens; another user's (`userId`) or everyone's (`all`) for an admin. */
  async list(actor: Actor, options: { userId?: string; all?: boolean }): Promise<TokenView[]> {
    const others = options.all === true || (options.userId !== undefined && options.userId !== actor.userId);
    if (others && !actor.scopes.includes('admin')) {
      throw new ChainmailError('FORBIDDEN', "Listing another user's tokens needs the admin scope.");
    }
    const tokens = await this.identities.tokens.list(
      options.all === true ? undefined : (options.userId ?? actor.userId),
    );
    return tokens.map((t) => this.view(t));
  }

  /** Effective at once on this replica, on the others when the announcement reaches them (at the latest within the credential cache's TTL). Revoking twice changes nothing. */
  async revoke(actor: Actor, tokenId: string): Promise<TokenView> {
    const token = await this.identities.tokens.byId(tokenId);
    // Someone else's token is "not found" unless the caller is an admin: ids do not leak.
    if (!token || (token.userId !== actor.userId && !actor.scopes.includes('admin'))) {
      throw new ChainmailError('TOKEN_NOT_FOUND', `No token of yours has the id "${tokenId}".`, { tokenId });
    }
    const revoked = await this.identities.transaction(async (tx) => {
      const result = await this.identities.tokens.revoke(tokenId, tx);
      if (result.revokedNow) {
        await this.audit.record(
          actor,
          'token.revoked',
          { kind: 'token', id: tokenId },
          {
            userId: token.userId,
            name: token.name,
          },
        );
      }
      return result.token;
    });
    this.changed();
    return this.view(revoked);
  }

  private expiry(actor: Actor, requested: Date | undefined, forOther: boolean): Date | null {
    // A short-lived credential cannot mint a longer-lived one for its own user.
    const cap = forOther || actor.expiresAt === null ? undefined : new Date(actor.expiresAt);
    if (requested === undefined) return cap ?? null;
    if (cap !== undefined && requested > cap) {
      throw new ChainmailError(
        'FORBIDDEN',
        `A token cannot outlive the credential that creates it (${cap.toISOString()}).`,
        { expiresAt: requested.toISOString(), limit: cap.toISOString() },
      );
    }
    return requested;
  }

  private view(token: TokenRecord): TokenView {
    const status =
      token.revokedAt !== null
        ? 'revoked'
        : token.expiresAt !== null && Date.parse(token.expiresAt) <= this.now().getTime()
          ? 'expired'
          : 'active';
    return { ...token, status };
  }
}

/** Without `scopes`: the caller's own minus admin (asked for explicitly); for another user, read, run and write. */
function defaultScopes(actor: Actor, forOther: boolean): Scope[] {
  if (forOther) return ['read', 'run', 'write'];
  const own = SCOPES.filter((s) => s !== 'admin' && actor.scopes.includes(s));
  return own.length > 0 ? own : [...actor.scopes];
}
