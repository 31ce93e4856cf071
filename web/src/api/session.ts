/**
 * The signed-in identity: the bearer every API call sends — an API token, or the ID token of a
 * single sign-on — kept in sessionStorage (this tab only, gone when it closes). A 401 from the
 * API signs out, and the console shows the sign-in page again, saying why.
 */

/** Every key of the sign-in in sessionStorage starts with this (the OIDC client's too): signing out removes them all. */
export const SESSION_PREFIX = 'chainmail.';
const TOKEN = `${SESSION_PREFIX}token`;
const VIA = `${SESSION_PREFIX}via`;
/** Why the last sign-in ended, for the sign-in page: outside the prefix, so signing out keeps it. */
const NOTICE = 'chainmail-notice';

/** How the identity signed in: with a pasted API token, or with the issuer (OpenID Connect). */
export type SignInVia = 'token' | 'oidc';

const listeners = new Set<() => void>();
const changed = (): void => listeners.forEach((listener) => listener());

export const session = {
  token(): string | null {
    return sessionStorage.getItem(TOKEN);
  },
  via(): SignInVia {
    return sessionStorage.getItem(VIA) === 'oidc' ? 'oidc' : 'token';
  },
  /** Signs in, or replaces the bearer of the sign-in (a renewed ID token). */
  signIn(token: string, via: SignInVia = 'token'): void {
    sessionStorage.setItem(TOKEN, token.trim());
    sessionStorage.setItem(VIA, via);
    sessionStorage.removeItem(NOTICE);
    changed();
  },
  signOut(notice?: string): void {
    for (const key of Object.keys(sessionStorage)) {
      if (key.startsWith(SESSION_PREFIX)) sessionStorage.removeItem(key);
    }
    if (notice !== undefined) sessionStorage.setItem(NOTICE, notice);
    changed();
  },
  /** The server refused the bearer (expired or revoked), or the sign-in ran out. */
  expired(notice = 'Your sign-in has expired or was revoked: sign in again.'): void {
    if (sessionStorage.getItem(TOKEN) !== null) session.signOut(notice);
  },
  /** Why the last sign-in ended or failed, once: reading it forgets it. */
  takeNotice(): string | null {
    const notice = sessionStorage.getItem(NOTICE);
    sessionStorage.removeItem(NOTICE);
    return notice;
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
