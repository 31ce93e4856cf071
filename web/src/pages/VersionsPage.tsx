import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';
import { VersionDiff } from '../components/VersionDiff';

/** A workflow's versions: a diff between any two, and roll back (make an earlier one active). */
export function VersionsPage() {
  const name = useParams().name as string;
  const versions = useApi(() => api.versions(name), [name]);
  const list = versions.data ?? [];
  const latest = list.at(-1)?.version;
  const activeVersion = list.find((v) => v.active)?.version ?? 0;
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const left = from ?? (latest !== undefined && latest > 1 ? latest - 1 : latest);
  const right = to ?? latest;
  const a = useApi(() => (left ? api.version(name, left) : Promise.resolve(undefined)), [name, left]);
  const b = useApi(() => (right ? api.version(name, right) : Promise.resolve(undefined)), [name, right]);
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<Error>();

  const rollback = async (version: number): Promise<void> => {
    setError(undefined);
    try {
      const answer = await api.rollback(name, version);
      setMessage(`Rolled back: version ${answer.version} is active`);
      versions.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <>
      <PageTitle actions={<Link to={`/workflows/${encodeURIComponent(name)}`}>Open in the builder</Link>}>
        Versions of {name}
      </PageTitle>
      {message && (
        <p role="status" className="ok">
          {message}
        </p>
      )}
      <Problem error={versions.error ?? error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Published</th>
              <th>By</th>
              <th>State</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {[...list].reverse().map((v) => (
              <tr key={v.version} data-version={v.version} data-active={v.active}>
                <td>{v.version}</td>
                <td>
                  <When at={v.publishedAt} />
                </td>
                <td>{v.publishedBy}</td>
                <td>{v.active ? <strong>active</strong> : ''}</td>
                <td>
                  {!v.active && (
                    <button type="button" onClick={() => void rollback(v.version)}>
                      {v.version < activeVersion
                        ? `Roll back to version ${v.version}`
                        : `Make version ${v.version} active`}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.length > 0 && (
        <section aria-label="Diff">
          <h2>Diff</h2>
          <div className="filters">
            <VersionPick
              label="From version"
              value={left}
              versions={list.map((v) => v.version)}
              onChange={setFrom}
            />
            <VersionPick
              label="To version"
              value={right}
              versions={list.map((v) => v.version)}
              onChange={setTo}
            />
          </div>
          <Problem error={a.error ?? b.error} />
          {a.data && b.data && <VersionDiff before={a.data.source} after={b.data.source} />}
        </section>
      )}
    </>
  );
}

function VersionPick(props: {
  label: string;
  value?: number;
  versions: number[];
  onChange: (v: number) => void;
}) {
  return (
    <label>
      {props.label}
      <select value={props.value ?? ''} onChange={(e) => props.onChange(Number(e.target.value))}>
        {props.versions.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </label>
  );
}
