import { useState } from 'react';
import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { Problem, When } from './bits';

/** Publish: choose which saved version is active (new runs use it; running runs keep theirs). */
export function PublishPanel({ name, onDone }: { name: string; onDone: (message: string) => void }) {
  const versions = useApi(() => api.versions(name), [name]);
  const [error, setError] = useState<Error>();
  const activate = async (version: number): Promise<void> => {
    setError(undefined);
    try {
      await api.rollback(name, version);
      onDone(`Version ${version} of ${name} is active`);
      versions.reload();
    } catch (err) {
      setError(err as Error);
    }
  };
  return (
    <section className="publish-panel" aria-label="Publish a version">
      <h2>Publish a version</h2>
      <Problem error={versions.error ?? error} />
      <ul>
        {[...(versions.data ?? [])].reverse().map((v) => (
          <li key={v.version}>
            Version {v.version} · <When at={v.publishedAt} /> · {v.publishedBy}{' '}
            {v.active ? (
              <strong>active</strong>
            ) : (
              <button type="button" onClick={() => void activate(v.version)}>
                Make version {v.version} active
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
