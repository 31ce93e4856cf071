import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';

/** Who signs in at the fake provider: the claims its ID tokens carry besides the protocol's. */
export interface FakeOidcUser {
  sub: string;
  name?: string;
  email?: string;
  email_verified?: boolean;
  groups?: string[];
}

export interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

interface PendingCode {
  user: FakeOidcUser;
  clientId: string;
  redirectUri: string;
  challenge: string;
  nonce?: string;
  scope: string;
}

export interface FakeTokenOptions {
  issuer?: string;
  audience?: string | string[];
  /** Seconds from now (negative: expired already); default the provider's token lifetime. */
  expiresIn?: number;
  /** Sign with this key (and its id) instead of the published one. */
  key?: SigningKey;
  nonce?: string;
}

/**
 * An OpenID Connect provider for tests, on 127.0.0.1: discovery, a JWKS of RS256 keys made with
 * jose, `/authorize` that signs in `signInAs`'s user at once (no login page) and redirects back
 * with a code, and `/token` for the authorization code (PKCE S256 required and checked) and
 * refresh token grants, answering signed ID tokens. CORS is open, as a provider's token endpoint
 * is for the browser clients it knows.
 */
export class FakeOidcProvider {
  /** Requests for the JWKS so far. */
  jwksRequests = 0;
  /** Token requests by grant type so far. */
  readonly grants: string[] = [];
  /** ID token lifetime in seconds. */
  tokenTtlSeconds = 300;
  /** When false, refresh tokens are refused (the session cannot be renewed). */
  allowRefresh = true;
  private user: FakeOidcUser | undefined;
  private readonly codes = new Map<string, PendingCode>();
  private readonly refreshTokens = new Map<string, { user: FakeOidcUser; clientId: string; scope: string }>();
  private readonly server: Server;

  private constructor(private published: SigningKey[]) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: Error) =>
        answer(res, 500, { error: 'server_error', error_description: err.message }),
      );
    });
  }

  static async start(): Promise<FakeOidcProvider> {
    const provider = new FakeOidcProvider([await FakeOidcProvider.newKey()]);
    await new Promise<void>((resolve) => provider.server.listen(0, '127.0.0.1', resolve));
    return provider;
  }

  /** Its URL, which its tokens carry as `iss`. */
  get issuer(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A key pair with a fresh key id, not published until `rotate(key)`. */
  static async newKey(): Promise<SigningKey> {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const kid = randomUUID();
    return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
  }

  /** The id of the key tokens are signed with. */
  get keyId(): string {
    return this.published[0].kid;
  }

  /** Who the next `/authorize` signs in. */
  signInAs(user: FakeOidcUser): void {
    this.user = user;
  }

  /** Publishes `key` in place of the current keys; tokens are signed with it from now on. */
  rotate(key: SigningKey): void {
    this.published = [key];
  }

  /** A signed ID token for `user`, as `/token` answers it (the audience is required: the client id). */
  idToken(user: FakeOidcUser, options: FakeTokenOptions & { audience: string | string[] }): Promise<string> {
    const key = options.key ?? this.published[0];
    const { sub, ...claims } = user;
    const payload: JWTPayload = {
      ...claims,
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(options.issuer ?? this.issuer)
      .setAudience(options.audience)
      .setIssuedAt()
      .setJti(randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) + (options.expiresIn ?? this.tokenTtlSeconds))
      .sign(key.privateKey);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, authorization, accept');
    if (req.method === 'OPTIONS') return answer(res, 204);
    const url = new URL(req.url ?? '/', this.issuer);
    switch (`${req.method} ${url.pathname}`) {
      case 'GET /.well-known/openid-configuration':
        return answer(res, 200, this.discovery());
      case 'GET /jwks':
        this.jwksRequests += 1;
        return answer(res, 200, { keys: this.published.map((k) => k.jwk) });
      case 'GET /authorize':
        return this.authorize(url.searchParams, res);
      case 'POST /token':
        return this.token(new URLSearchParams(await readBody(req)), res);
      default:
        return answer(res, 404, { error: 'not_found' });
    }
  }

  private discovery(): Record<string, unknown> {
    return {
      issuer: this.issuer,
      authorization_endpoint: `${this.issuer}/authorize`,
      token_endpoint: `${this.issuer}/token`,
      jwks_uri: `${this.issuer}/jwks`,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      code_challenge_methods_supported: ['S256'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      scopes_supported: ['openid', 'email', 'profile', 'offline_access'],
    };
  }

  private authorize(query: URLSearchParams, res: ServerResponse): void {
    const redirectUri = query.get('redirect_uri');
    const challenge = query.get('code_challenge');
    if (
      redirectUri === null ||
      query.get('response_type') !== 'code' ||
      query.get('code_challenge_method') !== 'S256' ||
      challenge === null ||
      !(query.get('scope') ?? '').split(' ').includes('openid')
    ) {
      return answer(res, 400, {
        error: 'invalid_request',
        error_description: 'code flow with PKCE (S256) and openid only',
      });
    }
    const back = new URL(redirectUri);
    const state = query.get('state');
    if (state !== null) back.searchParams.set('state', state);
    if (this.user === undefined) {
      back.searchParams.set('error', 'access_denied');
      back.searchParams.set('error_description', 'nobody signs in at the test provider');
    } else {
      const code = randomBytes(16).toString('base64url');
      this.codes.set(code, {
        user: this.user,
        clientId: query.get('client_id') ?? '',
        redirectUri,
        challenge,
        nonce: query.get('nonce') ?? undefined,
        scope: query.get('scope') ?? 'openid',
      });
      back.searchParams.set('code', code);
    }
    res.writeHead(302, { location: back.toString() });
    res.end();
  }

  private async token(form: URLSearchParams, res: ServerResponse): Promise<void> {
    const grant = form.get('grant_type') ?? '';
    this.grants.push(grant);
    if (grant === 'authorization_code') {
      const pending = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      if (
        pending === undefined ||
        pending.redirectUri !== form.get('redirect_uri') ||
        pending.clientId !== form.get('client_id') ||
        createHash('sha256').update(verifier).digest('base64url') !== pending.challenge
      ) {
        return answer(res, 400, {
          error: 'invalid_grant',
          error_description: 'unknown code, or PKCE mismatch',
        });
      }
      return answer(
        res,
        200,
        await this.tokens(pending.user, pending.clientId, pending.scope, pending.nonce),
      );
    }
    if (grant === 'refresh_token') {
      const session = this.refreshTokens.get(form.get('refresh_token') ?? '');
      if (session === undefined || !this.allowRefresh) {
        return answer(res, 400, { error: 'invalid_grant', error_description: 'the session has ended' });
      }
      return answer(res, 200, await this.tokens(session.user, session.clientId, session.scope));
    }
    return answer(res, 400, { error: 'unsupported_grant_type' });
  }

  /** The ID token is for the client; the access token is for another audience (the provider's own API), as with Keycloak's `account`. */
  private async tokens(user: FakeOidcUser, clientId: string, scope: string, nonce?: string) {
    const refreshToken = randomBytes(16).toString('base64url');
    this.refreshTokens.set(refreshToken, { user, clientId, scope });
    return {
      token_type: 'Bearer',
      id_token: await this.idToken(user, { audience: clientId, nonce }),
      access_token: await this.idToken(user, { audience: 'account' }),
      expires_in: this.tokenTtlSeconds,
      refresh_token: refreshToken,
      scope,
    };
  }
}

function answer(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(
    status,
    body === undefined ? {} : { 'content-type': 'application/json', 'cache-control': 'no-store' },
  );
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
