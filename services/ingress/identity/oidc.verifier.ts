import { ChainmailError } from '@chainmail/contracts';
import type { OidcSettings } from '@chainmail/config';
import {
  createRemoteJWKSet,
  decodeJwt,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';

/** What a verified OpenID Connect token says about its bearer. */
export interface OidcIdentity {
  /** `<issuer>#<user claim>`: stable across renames, and what a Chainmail user is linked to. */
  externalId: string;
  name: string;
  /** The `name` claim, when the token has one. */
  fullName: string | undefined;
  email: string | null;
  /** The issuer says the address is its user's (`email_verified`). */
  emailVerified: boolean;
  groups: string[];
  expiresAt: string | null;
}

export type OidcVerifierSettings = Pick<
  OidcSettings,
  'issuer' | 'audiences' | 'jwksUrl' | 'userClaim' | 'teamsClaim'
>;

/** Asymmetric algorithms only: a JWKS never makes an HMAC key (or `none`) acceptable. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
const CLOCK_TOLERANCE_S = 5;
const DISCOVERY_TIMEOUT_MS = 5_000;
/** A failed discovery is answered from memory this long: an issuer that is down is not asked on every request. */
const DISCOVERY_RETRY_MS = 30_000;

/**
 * Verifies JWTs of one issuer (the console's ID tokens, or access tokens for Chainmail's API)
 * against its JWKS, with `jose`: signature, `iss`, `aud`, `exp`/`nbf`. The JWKS (given, or found
 * by discovery) is fetched on first use and kept for 10 minutes; a token naming a key id the kept
 * set lacks fetches it again (rotation), at most every 30 s (jose's cooldown), so a request costs
 * no network call otherwise. A bearer that is not a JWT of this issuer is refused before any key
 * is looked at.
 */
export class OidcVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(private readonly settings: OidcVerifierSettings) {}

  async verify(jwt: string): Promise<OidcIdentity> {
    this.checkIssuer(jwt);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, await this.keySet(), {
        issuer: this.settings.issuer,
        audience: this.settings.audiences,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      throw this.refusal(err);
    }
    return this.identity(payload);
  }

  /** Only JWTs that name this issuer go further: any other bearer is refused without a key fetched. */
  private checkIssuer(bearer: string): void {
    let iss: unknown;
    try {
      iss = decodeJwt(bearer).iss;
    } catch {
      throw refused(
        'malformed',
        'The bearer token is neither a Chainmail API token (cm_…) nor a JWT: send an API token, or sign in again.',
      );
    }
    if (iss !== this.settings.issuer) {
      const named =
        typeof iss === 'string' ? `was issued by ${JSON.stringify(iss.slice(0, 200))}` : 'names no issuer';
      throw refused(
        'issuer',
        `The token ${named}; this server accepts tokens of ${this.settings.issuer} only (CHAINMAIL_OIDC_ISSUER, compared exactly, trailing slash included).`,
      );
    }
  }

  private identity(payload: JWTPayload): OidcIdentity {
    const { userClaim, teamsClaim, issuer } = this.settings;
    const user = claimText(payload[userClaim]);
    if (user === undefined) {
      throw refused(
        'claims',
        `The token has no "${userClaim}" claim to name its user (CHAINMAIL_OIDC_USER_CLAIM).`,
      );
    }
    const fullName = claimText(payload.name);
    const email = claimText(payload.email) ?? null;
    return {
      externalId: `${issuer}#${user}`,
      name: fullName ?? claimText(payload.preferred_username) ?? email ?? user,
      fullName,
      email,
      // Some issuers send the flag as text.
      emailVerified: payload.email_verified === true || payload.email_verified === 'true',
      groups: claimList(payload[teamsClaim]),
      expiresAt: typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : null,
    };
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= this.jwksUrl().then(
      (url) => createRemoteJWKSet(new URL(url), { timeoutDuration: DISCOVERY_TIMEOUT_MS }),
      (err: unknown) => {
        setTimeout(() => (this.keys = undefined), DISCOVERY_RETRY_MS).unref();
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
        `The discovery document at ${url} names another issuer (${JSON.stringify(document.issuer)}) or no jwks_uri; set CHAINMAIL_OIDC_ISSUER to its issuer exactly.`,
      );
    }
    return document.jwks_uri;
  }

  private refusal(err: unknown): ChainmailError {
    if (err instanceof ChainmailError) return err;
    if (err instanceof errors.JWTExpired) {
      return refused(
        'expired',
        `The token expired${typeof err.payload.exp === 'number' ? ` at ${new Date(err.payload.exp * 1000).toISOString()}` : ''}: sign in again for a new one.`,
      );
    }
    if (err instanceof errors.JWTClaimValidationFailed) {
      if (err.claim === 'aud') {
        return refused(
          'audience',
          `The token is meant for ${JSON.stringify(err.payload.aud ?? null)}, not for this server, which accepts ${this.settings.audiences.map((a) => JSON.stringify(a)).join(' or ')} (CHAINMAIL_OIDC_CLIENT_ID, CHAINMAIL_OIDC_AUDIENCE).`,
        );
      }
      return refused('claims', `The token's "${err.claim}" claim is not acceptable (${err.reason}).`);
    }
    if (err instanceof errors.JWKSNoMatchingKey) {
      return refused(
        'unknown-key',
        `No key of ${this.settings.issuer}'s JWKS matches the token's key id: it was signed by a key the issuer does not publish.`,
      );
    }
    if (err instanceof errors.JWSSignatureVerificationFailed)
      return refused('signature', 'The token was refused: its signature does not verify.');
    if (err instanceof errors.JOSEAlgNotAllowed)
      return refused(
        'algorithm',
        'The token was refused: its algorithm is not accepted (asymmetric ones only).',
      );
    if (err instanceof errors.JWTInvalid || err instanceof errors.JWSInvalid)
      return refused('malformed', 'The token was refused: it is not a well-formed JWT.');
    if (
      err instanceof errors.JWKSTimeout ||
      err instanceof errors.JWKSInvalid ||
      !(err instanceof errors.JOSEError)
    ) {
      return new ChainmailError(
        'UNAVAILABLE',
        `The JWKS of ${this.settings.issuer} could not be read (${(err as Error).message}); try again shortly.`,
      );
    }
    return refused('invalid', `The token was refused: ${err.message}.`);
  }
}

/** Why a token was refused, in `details.reason`, for clients that act on it (the console shows the message). */
export type OidcRefusal =
  | 'malformed'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'claims'
  | 'unknown-key'
  | 'signature'
  | 'algorithm'
  | 'invalid'
  | 'unknown-user'
  | 'email-unverified'
  | 'identity-conflict';

export function refused(reason: OidcRefusal, message: string): ChainmailError {
  return new ChainmailError('UNAUTHENTICATED', message, { reason });
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
