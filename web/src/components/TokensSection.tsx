import { useState, type FormEvent } from 'react';
import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { Problem, Status, When } from './bits';

const SCOPES = ['read', 'run', 'write'] as const;

/** Your API tokens: make one for a script (its secret is shown once), revoke one (not the one in use here). */
export function TokensSection({ currentTokenId }: { currentTokenId?: string }) {
  const tokens = useApi(() => api.tokens(), []);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['read']);
  const [expiresIn, setExpiresIn] = useState('30d');
  const [created, setCreated] = useState<string>();
  const [error, setError] = useState<Error>();

  const create = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const answer = await api.createToken({ name: name.trim(), scopes, expiresIn: expiresIn || undefined });
      setCreated(answer.token);
      setName('');
      tokens.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  const revoke = async (id: string): Promise<void> => {
    setError(undefined);
    try {
      await api.revokeToken(id);
      tokens.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <section aria-label="API tokens">
      <h2>API tokens</h2>
      <Problem error={tokens.error ?? error} />
      {created && (
        <p role="status" className="ok">
          New token (shown once, copy it now): <code data-testid="new-token">{created}</code>
        </p>
      )}
      <form className="filters" onSubmit={(e) => void create(e)} aria-label="New token">
        <label>
          Token name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} />
        </label>
        <fieldset className="row" aria-label="Scopes">
          {SCOPES.map((scope) => (
            <label key={scope} className="check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />{' '}
              {scope}
            </label>
          ))}
        </fieldset>
        <label>
          Expires in
          <input
            value={expiresIn}
            onChange={(e) => setExpiresIn(e.target.value)}
            placeholder="30d (empty: never)"
          />
        </label>
        <div className="row">
          <button type="submit" disabled={name.trim() === '' || scopes.length === 0}>
            Create token
          </button>
        </div>
      </form>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Scopes</th>
              <th>Status</th>
              <th>Last used</th>
              <th>Expires</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data?.map((t) => (
              <tr key={t.id} data-token={t.name}>
                <td>
                  {t.name} <small className="hint">cm_{t.id}_…</small>
                </td>
                <td>{t.scopes.join(', ')}</td>
                <td>
                  <Status value={t.status} />
                </td>
                <td>
                  <When at={t.lastUsedAt} />
                </td>
                <td>
                  <When at={t.expiresAt} />
                </td>
                <td>
                  {t.id === currentTokenId ? (
                    <span className="hint">signed in with it here</span>
                  ) : (
                    t.status === 'active' && (
                      <button type="button" className="danger" onClick={() => void revoke(t.id)}>
                        Revoke {t.name}
                      </button>
                    )
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
