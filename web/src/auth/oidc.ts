import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { authApi, type OidcClientConfig } from '../api/auth';
import { SESSION_PREFIX, session } from '../api/session';

/**
 * Single sign-on with OpenID Connect: Authorization Code with PKCE (oidc-client-ts) against the
 * issuer the server names, back at `/auth/callback`. The console sends the **ID token** as its
 * bearer: it is always a JWT signed by the issuer for this very client (`aud` = the client id),
 * carrying the verified email the server matches users by — while an access token is, at many
 * issuers, opaque or meant for another API, without an email. The server checks it against the
 * issuer's keys as it does any JWT. The sign-in is renewed shortly before the ID token expires
 * (refresh token, else a hidden frame at the issuer) and ends at its expiry when it cannot be.
 */

export const CALLBACK_PATH = '/auth/callback';
/** Renewal starts this long before expiry at most (a fifth of the token's lifetime when shorter). */
const RENEW_LEAD_MS = 60_000;
/** setTimeout's longest delay (about 24.8 days); longer ones would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function userManager(client: OidcClientConfig): UserManager {
  const callback = `${window.location.origin}${CALLBACK_PATH}`;
  return new UserManager({
    authority: client.issuer,
    client_id: client.clientId,
    scope: client.scopes.join(' '),
    redirect_uri: callback,
    silent_redirect_uri: callback,
    response_type: 'code',
    // Renewal follows the ID token's expiry (keepOidcSignInFresh), not the access token's.
    automaticSilentRenew: false,
    // In this tab's sessionStorage under the session's prefix: signing out removes it.
    userStore: new WebStorageStateStore({ store: sessionStorage, prefix: `${SESSION_PREFIX}oidc.` }),
  });
}

/** `https://sso.acme.example/realms/acme` → `sso.acme.example`: what the sign-in button names. */
export function issuerHost(client: OidcClientConfig): string {
  try {
    return new URL(client.issuer).host;
  } catch {
    return client.issuer;
  }
}

/** Leaves for the issuer's sign-in page; back at `/auth/callback`, then at `returnTo`. */
export async function startOidcSignIn(client: OidcClientConfig, returnTo: string): Promise<void> {
  await userManager(client).signinRedirect({ state: { returnTo } });
}

/** The callback in a hidden frame (a silent renewal) hands the answer to the tab and does nothing else. */
export const inRenewalFrame = (): boolean => window.parent !== window;

/**
 * Finishes a sign-in at `/auth/callback`: exchanges the code (with the PKCE verifier), checks the
 * ID token with the server (a user it does not know is refused there, with the reason), and signs
 * in. Answers where to go next: the page the sign-in started from.
 */
export async function completeOidcSignIn(): Promise<string> {
  const { oidc } = await authApi.config();
  if (oidc === null) throw new Error('single sign-on is not configured on this server any more');
  const manager = userManager(oidc);
  const user = await manager.signinCallback();
  if (inRenewalFrame()) return CALLBACK_PATH;
  if (user?.id_token === undefined) throw new Error(`${issuerHost(oidc)} answered without an ID token`);
  const me = await fetch('/v1/me', { headers: { authorization: `Bearer ${user.id_token}` } });
  if (!me.ok) {
    await manager.removeUser();
    const body = (await me.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(body.error?.message ?? `the server answered ${me.status}`);
  }
  session.signIn(user.id_token, 'oidc');
  return safeReturnTo((user.state as { returnTo?: unknown } | undefined)?.returnTo);
}

/** Only a path of this console: never another site, nor the callback again. */
function safeReturnTo(returnTo: unknown): string {
  if (typeof returnTo !== 'string' || !returnTo.startsWith('/') || returnTo.startsWith('//')) return '/';
  return returnTo.startsWith(CALLBACK_PATH) ? '/' : returnTo;
}

/**
 * While signed in with the issuer: renews the sign-in shortly before the ID token expires, and
 * signs out at its expiry if that failed. Answers the function that stops both timers.
 */
export function keepOidcSignInFresh(idToken: string): () => void {
  const claims = jwtClaims(idToken);
  if (typeof claims.exp !== 'number') return () => undefined;
  const expiresAt = claims.exp * 1000;
  const lifetime = typeof claims.iat === 'number' ? expiresAt - claims.iat * 1000 : Infinity;
  const renewAt = expiresAt - Math.min(RENEW_LEAD_MS, lifetime / 5);
  const timers = [
    setTimeout(() => void renew(idToken), delayUntil(renewAt)),
    setTimeout(
      () => session.expired('Your single sign-on session has ended: sign in again.'),
      delayUntil(expiresAt),
    ),
  ];
  return () => timers.forEach(clearTimeout);
}

/** A new ID token from the issuer; a failure is left to the expiry timer, which signs out. */
async function renew(current: string): Promise<void> {
  try {
    const { oidc } = await authApi.config();
    if (oidc === null) return;
    const user = await userManager(oidc).signinSilent();
    if (user?.id_token !== undefined && user.id_token !== current && session.token() === current) {
      session.signIn(user.id_token, 'oidc');
    }
  } catch {
    // The issuer's session has ended (or it cannot be reached): the sign-in ends at expiry.
  }
}

function delayUntil(at: number): number {
  return Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now()));
}

/** The payload of a JWT, unverified: only to know when the console's own token expires. */
function jwtClaims(jwt: string): { exp?: unknown; iat?: unknown } {
  try {
    const payload = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)) as { exp?: unknown; iat?: unknown };
  } catch {
    return {};
  }
}
