import { useEffect } from 'react';
import { useNavigate } from 'react-router';
import { session } from '../api/session';
import { completeOidcSignIn, inRenewalFrame } from '../auth/oidc';

/** One exchange per page load: React runs effects twice in development, and a code works once. */
let completion: Promise<string> | undefined;

/**
 * `/auth/callback`, where the issuer sends the browser back: finishes the sign-in and goes on to
 * the page it started from; a failure goes back to the sign-in page, which says why.
 */
export function OidcCallbackPage() {
  const navigate = useNavigate();
  useEffect(() => {
    completion ??= completeOidcSignIn();
    completion.then(
      (returnTo) => {
        if (!inRenewalFrame()) navigate(returnTo, { replace: true });
      },
      (err: Error) => {
        session.signOut(`Single sign-on failed: ${err.message}`);
        navigate('/', { replace: true });
      },
    );
  }, [navigate]);
  if (inRenewalFrame()) return null;
  return (
    <main className="sign-in">
      <p role="status">Signing in…</p>
    </main>
  );
}
