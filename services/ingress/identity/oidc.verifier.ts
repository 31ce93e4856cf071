import { ChainmailError, type Scope } from '@chainmail/contracts';
import type { ChainmailConfig } from '@chainmail/config';
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

/** What a verified OpenID Connect access token says about its bearer. */
export interface OidcIdentity {
  /** `<issuer>#<user claim>`: stable across renames. */
  externalId: string;
  name: string;
  email: string | null;
  groups: string[];
  admin: boolean;
  scopes: Scope[];
  expiresAt: string | null;
}

export interface OidcSettings {
  issuer: string;
  audience: string;
  jwksUrl?: string;
  userClaim: string;
  teamsClaim: string;
  scopes: Scope[];
  adminGroups: string[];
}

/** Asymmetric algorithms only: a JWKS never makes an HMAC key (or `none`) acceptable. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_S = 5;
const DISCOVERY_TIMEOUT_MS = 5_000;

/**
 * Verifies JWT access tokens of one issuer against its JWKS (given, or found by discovery), with
 * `jose`: signature, `iss`, `aud`, `exp`/`nbf`. Keys are fetched on first use and refetched when
 * a token names a key id the cached set lacks (rotation).
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly settings: OidcSettings) {}

  /** Undefined when OpenID Connect is not configured; an error when it is half configured. */
  static fromConfig(config: ChainmailConfig): OidcVerifier | undefined {
    if (config.oidcIssuer === undefined) return undefined;
    if (config.oidcAudience === undefined) {
      throw new Error(
        'CHAINMAIL_OIDC_ISSUER is set without CHAINMAIL_OIDC_AUDIENCE: set the audience your access tokens carry (their "aud").',
      );
    }
    return new OidcVerifier({
      issuer: config.oidcIssuer,
      audience: config.oidcAudience,
      jwksUrl: config.oidcJwksUrl,
      userClaim: config.oidcUserClaim,
      teamsClaim: config.oidcTeamsClaim,
      scopes: config.oidcScopes,
      adminGroups: config.oidcAdminGroups,
    });
  }

  async verify(jwt: string): Promise<OidcIdentity> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, await this.keySet(), {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
      }));
    } catch (err) {
      throw unauthenticated(err);
    }
    return this.identity(payload);
  }

  private identity(payload: JWTPayload): OidcIdentity {
    const { userClaim, teamsClaim, issuer, adminGroups } = this.settings;
    const user = claimText(payload[userClaim]);
    if (user === undefined) {
      throw new ChainmailError(
        'UNAUTHENTICATED',
        `The access token has no "${userClaim}" claim to name its user.`,
      );
    }
    const groups = claimList(payload[teamsClaim]);
    const admin = groups.some((g) => adminGroups.includes(g));
    return {
      externalId: `${issuer}#${user}`,
      name:
        claimText(payload.name) ?? claimText(payload.preferred_username) ?? claimText(payload.email) ?? user,
      email: claimText(payload.email) ?? null,
      groups,
      admin,
      scopes: admin ? [...this.settings.scopes, 'admin'] : [...this.settings.scopes],
      expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : null,
    };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.jwksUrl().then(
      (url) => createRemoteJWKSet(new URL(url)),
      (err: unknown) => {
        this.keys = undefined; // Try discovery again on the next request.
        throw err;
      },
    );
    return this.keys;
  }

  private async jwksUrl(): Promise<string> {
    if (this.settings.jwksUrl !== undefined) return this.settings.jwksUrl;
    const url = `${this.settings.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let document: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      document = (await res.json()) as typeof document;
    } catch (err) {
      throw new ChainmailError(
        'UNAVAILABLE',
        `The OpenID Connect discovery document at ${url} could not be read (${(err as Error).message}); set CHAINMAIL_OIDC_JWKS_URL or check CHAINMAIL_OIDC_ISSUER.`,
      );
    }
    if (document.issuer !== this.settings.issuer || typeof document.jwks_uri !== 'string') {
      throw new ChainmailError(
        'UNAVAILABLE',
        `The discovery document at ${url} names another issuer or no jwks_uri; check CHAINMAIL_OIDC_ISSUER.`,
      );
    }
    return document.jwks_uri;
  }
}

function unauthenticated(err: unknown): ChainmailError {
  if (err instanceof ChainmailError) return err;
  let why = 'it could not be verified';
  if (err instanceof errors.JWTExpired) why = 'it has expired';
  else if (err instanceof errors.JWTClaimValidationFailed) {
    why =
      err.claim === 'iss'
        ? 'it was issued by another issuer'
        : err.claim === 'aud'
          ? 'it is meant for another audience'
          : `its "${err.claim}" claim is not acceptable (${err.reason})`;
  } else if (err instanceof errors.JWSSignatureVerificationFailed) why = 'its signature does not verify';
  else if (err instanceof errors.JWKSNoMatchingKey) why = "no key of the issuer's JWKS matches it";
  else if (err instanceof errors.JOSEAlgNotAllowed) why = 'its algorithm is not accepted';
  else if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid)
    why = 'it is not a well-formed JWT';
  else if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid) {
    return new ChainmailError('UNAVAILABLE', "The issuer's JWKS could not be read; try again shortly.");
  }
  return new ChainmailError('UNAUTHENTICATED', `The access token was refused: ${why}.`);
}

function claimText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A list claim: an array of strings, or one string (space or comma separated). */
function claimList(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((v) => v !== '');
  return [];
}
