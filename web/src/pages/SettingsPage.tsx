import { api, type NamedEntry } from '../api/api';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';
import { TokensSection } from '../components/TokensSection';

/** Who is signed in, their API tokens, and the names of the secrets and variables templates may read. */
export function SettingsPage() {
  const me = useApi(() => api.me(), []);
  const secrets = useApi(() => api.secrets(), []);
  const variables = useApi(() => api.variables(), []);
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <section aria-label="Identity">
        <h2>Signed in as</h2>
        <Problem error={me.error} />
        {me.data && (
          <dl className="facts">
            <dt>User</dt>
            <dd>
              {me.data.user.name} <small>{me.data.user.id}</small>
            </dd>
            <dt>Scopes</dt>
            <dd>{me.data.scopes.join(', ')}</dd>
            <dt>Teams</dt>
            <dd>{me.data.teams.map((t) => `${t.name} (${t.role})`).join(', ') || '—'}</dd>
          </dl>
        )}
      </section>
      <TokensSection currentTokenId={me.data?.token?.id} />
      <Names
        title="Secrets"
        hint="{{secrets.NAME}}; values are never shown"
        entries={secrets.data}
        error={secrets.error}
      />
      <Names title="Variables" hint="{{vars.NAME}}" entries={variables.data} error={variables.error} />
    </>
  );
}

function Names(props: { title: string; hint: string; entries?: NamedEntry[]; error?: Error }) {
  return (
    <section aria-label={props.title}>
      <h2>
        {props.title} <small className="hint">{props.hint}</small>
      </h2>
      <Problem error={props.error} />
      {props.entries?.length === 0 && <p>None.</p>}
      <ul>
        {props.entries?.map((e) => (
          <li key={`${e.owner ?? ''}:${e.name}`}>
            <code>{e.name}</code> <When at={e.updatedAt ?? e.createdAt} />
          </li>
        ))}
      </ul>
    </section>
  );
}
