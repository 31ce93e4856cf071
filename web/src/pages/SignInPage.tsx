import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'react-router';
import { ApiError } from '../api/api';
import { authApi, type OidcClientConfig } from '../api/auth';
import { session } from '../api/session';
import { issuerHost, startOidcSignIn } from '../auth/oidc';

/**
 * Sign-in with an API token (`chainmail tokens show`, or one made with `chainmail tokens create`),
 * or, when the server has single sign-on, with the issuer.
 */
export function SignInPage() {
  const location = useLocation();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [oidc, setOidc] = useState<OidcClientConfig | null>(null);

  useEffect(() => {
    // Why the last sign-in ended (expired, refused by the server), said once.
    const notice = session.takeNotice();
    if (notice !== null) setError(notice);
    // Without the answer the page still offers API tokens.
    authApi.config().then(
      (config) => setOidc(config.oidc),
      () => setOidc(null),
    );
  }, []);

  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(null);
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

  const signInWithIssuer = async (client: OidcClientConfig): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await startOidcSignIn(client, location.pathname + location.search);
    } catch (err) {
      setError(`Could not reach ${issuerHost(client)}: ${(err as Error).message}.`);
      setBusy(false);
    }
  };

  return (
    <main className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Chainmail</h1>
        {oidc ? (
          <>
            <p>
              Sign in with your account, or with an API token. The console acts with that identity&apos;s
              rights.
            </p>
            <button type="button" className="sso" disabled={busy} onClick={() => void signInWithIssuer(oidc)}>
              Sign in with {issuerHost(oidc)}
            </button>
            <p className="or" aria-hidden="true">
              or
            </p>
          </>
        ) : (
          <p>Sign in with an API token. The console acts with that token&apos;s rights.</p>
        )}
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
