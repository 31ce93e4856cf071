import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/api';
import { session } from '../api/session';

/** Sign-in with an API token (`chainmail tokens show`, or one made with `chainmail tokens create`). */
export function SignInPage() {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const response = await fetch('/v1/me', { headers: { authorization: `Bearer ${token.trim()}` } });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
        throw new ApiError(
          response.status,
          'SIGN_IN',
          body.error?.message ?? `the server answered ${response.status}`,
        );
      }
      session.signIn(token);
    } catch (err) {
      setError(`Sign-in failed: ${(err as Error).message}. Paste a token from \`chainmail tokens show\`.`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Chainmail</h1>
        <p>Sign in with an API token. The console acts with that token&apos;s rights.</p>
        <label htmlFor="token">API token</label>
        <input
          id="token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder="cm_…"
          required
        />
        <button type="submit" disabled={busy || token.trim() === ''}>
          Sign in
        </button>
        {error && (
          <p role="alert" className="error">
            {error}
          </p>
        )}
        <p className="hint">
          <code>npx chainmail tokens show</code> prints the token the CLI uses for this server.
        </p>
      </form>
    </main>
  );
}
