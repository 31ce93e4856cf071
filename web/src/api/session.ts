/**
 * The signed-in identity: the API token, kept in sessionStorage (this tab only, gone when it
 * closes). A 401 from the API signs out, and the console shows the sign-in page again.
 */
const KEY = 'chainmail.token';
const listeners = new Set<() => void>();

export const session = {
  token(): string | null {
    return sessionStorage.getItem(KEY);
  },
  signIn(token: string): void {
    sessionStorage.setItem(KEY, token.trim());
    listeners.forEach((listener) => listener());
  },
  signOut(): void {
    sessionStorage.removeItem(KEY);
    listeners.forEach((listener) => listener());
  },
  /** The server refused the token (expired or revoked). */
  expired(): void {
    if (sessionStorage.getItem(KEY) !== null) session.signOut();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};
