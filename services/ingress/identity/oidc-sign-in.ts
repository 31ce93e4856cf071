import { type Actor, SCOPES } from '@chainmail/contracts';
import { oidcSettings, type ChainmailConfig, type OidcSettings } from '@chainmail/config';
import { effectiveScopes, newUserId, type IdentityStore, type UserRecord } from '@chainmail/identity';
import { OidcVerifier, refused, type OidcIdentity } from './oidc.verifier';

type SignInPolicy = Pick<OidcSettings, 'autoCreate' | 'defaultRole' | 'adminGroups'>;

/**
 * Who a verified OpenID Connect token is in Chainmail. The user linked to its identity (issuer and
 * subject); at the identity's first sign-in, the user an admin created with the same email, if the
 * issuer verified that email (then linked, so a later change of address keeps the user); else,
 * with `CHAINMAIL_OIDC_AUTO_CREATE=member`, a new member. Anyone else is refused, saying how to
 * get in. The sign-in acts with its user's own rights, like a token of theirs with every scope.
 */
export class OidcSignIn {
  constructor(
    private readonly verifier: OidcVerifier,
    private readonly identities: IdentityStore,
    private readonly policy: SignInPolicy,
  ) {}

  /** Undefined when single sign-on is not configured. */
  static fromConfig(config: ChainmailConfig, identities: IdentityStore): OidcSignIn | undefined {
    const settings = oidcSettings(config);
    return settings && new OidcSignIn(new OidcVerifier(settings), identities, settings);
  }

  async actor(jwt: string): Promise<Actor> {
    const identity = await this.verifier.verify(jwt);
    const found = await this.user(identity);
    const user = await this.identities.users.follow(found, {
      name: identity.fullName,
      admin: this.adminByGroups(identity),
    });
    await this.syncGroups(user.id, identity.groups);
    return {
      userId: user.id,
      name: user.name,
      admin: user.admin,
      teams: await this.identities.memberships.of(user.id),
      scopes: effectiveScopes(SCOPES, user.admin),
      tokenId: null,
      via: 'oidc',
      expiresAt: identity.expiresAt,
    };
  }

  private async user(identity: OidcIdentity): Promise<UserRecord> {
    return (
      (await this.identities.users.byExternalId(identity.externalId)) ??
      (await this.linkByEmail(identity)) ??
      (await this.create(identity))
    );
  }

  private async linkByEmail(identity: OidcIdentity): Promise<UserRecord | undefined> {
    if (identity.email === null || !identity.emailVerified) return undefined;
    const user = await this.identities.users.byEmail(identity.email);
    if (user === undefined) return undefined;
    const linked =
      user.externalId === null
        ? await this.identities.users.linkExternal(user.id, identity.externalId)
        : undefined;
    // Not linked now: a replica linked it first (to this identity), or it is another identity's.
    const mine = linked ?? (await this.identities.users.byExternalId(identity.externalId));
    if (mine === undefined) {
      throw refused(
        'identity-conflict',
        `The Chainmail user with the email ${identity.email} signs in as another identity of this issuer; an admin can tell which (its externalId in GET /v1/users).`,
      );
    }
    return mine;
  }

  private async create(identity: OidcIdentity): Promise<UserRecord> {
    if (!this.policy.autoCreate) throw this.unknownUser(identity);
    const created = await this.identities.users.createExternal({
      id: newUserId(),
      name: identity.name,
      // An address the issuer did not verify is not taken as the user's.
      email: identity.emailVerified ? identity.email : null,
      admin: this.adminByGroups(identity) ?? false,
      externalId: identity.externalId,
    });
    if (created === undefined) {
      throw refused(
        'identity-conflict',
        `A Chainmail user with the email ${identity.email} was created meanwhile: sign in again to be linked to it.`,
      );
    }
    return created;
  }

  private unknownUser(identity: OidcIdentity): Error {
    if (identity.email === null) {
      return refused(
        'unknown-user',
        `No Chainmail user is linked to ${identity.name} at this issuer, and the token carries no email to find one by: have the console ask for the "email" scope (CHAINMAIL_OIDC_SCOPES), and an admin create your user with your email (chainmail users create --name … --email …).`,
      );
    }
    if (!identity.emailVerified) {
      return refused(
        'email-unverified',
        `The issuer has not verified the email ${identity.email} (its "email_verified" is not true), so it is not matched to a Chainmail user: verify the address at the issuer, then sign in again.`,
      );
    }
    return refused(
      'unknown-user',
      `No Chainmail user has the email ${identity.email}: ask an admin to create one (chainmail users create --name … --email ${identity.email}, or POST /v1/users), or to set CHAINMAIL_OIDC_AUTO_CREATE=member.`,
    );
  }

  /** With admin groups configured they decide who is an admin; without, the user's own flag does. */
  private adminByGroups(identity: OidcIdentity): boolean | undefined {
    const { adminGroups } = this.policy;
    return adminGroups.length === 0 ? undefined : identity.groups.some((g) => adminGroups.includes(g));
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
      if (!have.has(team.id)) await memberships.set(team.id, userId, this.policy.defaultRole);
    }
    for (const team of await teams.list(userId)) {
      if (team.externalGroup !== null && !wanted.has(team.id)) await memberships.remove(team.id, userId);
    }
  }
}
