import type { Needs } from '../api/gallery';

const KINDS = [
  ['agents', 'Agents'],
  ['workflows', 'Sub-workflows'],
  ['secrets', 'Secrets'],
  ['variables', 'Variables'],
] as const;

/** What a workflow's runs use, by kind (names only): agents, sub-workflows, secrets, variables. */
export function Requirements({ needs, label }: { needs: Needs; label: string }) {
  const kinds = KINDS.filter(([key]) => needs[key].length > 0);
  if (kinds.length === 0) return <p className="hint">Nothing beyond the builtin agents.</p>;
  return (
    <dl className="facts requirements" aria-label={label}>
      {kinds.map(([key, title]) => (
        <div key={key} className="contents" data-requirement={key}>
          <dt>{title}</dt>
          <dd>
            {needs[key].map((name) => (
              <code key={name} className="chip">
                {name}
              </code>
            ))}
          </dd>
        </div>
      ))}
    </dl>
  );
}
