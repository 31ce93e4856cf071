import { useState } from 'react';
import { Link } from 'react-router';
import { gallery, type InstalledWorkflow, type ListingDetail } from '../api/gallery';
import { problemsByField } from '../gallery/api-problems';
import { bindingsOf, installRequest, type InstallForm as Form } from '../gallery/marketplace';
import { Problem } from './bits';
import { FieldProblem } from './FieldProblem';
import { OwnerSelect } from './OwnerSelect';
import { useFormAction } from './use-action';

/**
 * `Install`: a copy of the listing in your namespace, under a name of your own (default: the
 * listed workflow's), optionally with your agents, webhook paths and email addresses in place of
 * the listed ones; then a link to the copy and what to provide before a run.
 */
export function InstallForm({ listing, onInstalled }: { listing: ListingDetail; onInstalled: () => void }) {
  const bindings = bindingsOf(listing.definition);
  const [form, setForm] = useState<Form>({ name: '', team: '', agents: {}, bindings: {} });
  const [installed, setInstalled] = useState<InstalledWorkflow>();
  const { busy, error, submit } = useFormAction(async () => {
    setInstalled(await gallery.install(listing.id, installRequest(form)));
    onInstalled();
  });
  const problems = problemsByField(error);

  return (
    <section className="panel install" aria-label="Install">
      <h2>Install</h2>
      {installed && <Installed installed={installed} />}
      <form onSubmit={submit}>
        <Problem error={error} />
        <label>
          Name of your copy
          <input
            value={form.name}
            placeholder={listing.workflow}
            aria-invalid={problems.name !== undefined}
            aria-describedby="install-name-problem"
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
          <FieldProblem id="install-name-problem" problems={problems.name} />
        </label>
        <OwnerSelect value={form.team} onChange={(team) => setForm({ ...form, team })} />
        {listing.requirements.agents.length + bindings.length > 0 && (
          <details>
            <summary>Use your own agents{bindings.length > 0 ? ', webhook paths and addresses' : ''}</summary>
            {listing.requirements.agents.map((address) => (
              <label key={address}>
                Instead of agent <code>{address}</code>
                <input
                  value={form.agents[address] ?? ''}
                  placeholder="keep it"
                  aria-invalid={problems[`agents.${address}`] !== undefined}
                  onChange={(e) =>
                    setForm({ ...form, agents: { ...form.agents, [address]: e.target.value } })
                  }
                />
                <FieldProblem id={`install-agent-${address}`} problems={problems[`agents.${address}`]} />
              </label>
            ))}
            {bindings.map((b) => (
              <label key={b.value}>
                Instead of the {b.kind} <code>{b.value}</code>
                <input
                  value={form.bindings[b.value] ?? ''}
                  placeholder="keep it"
                  aria-invalid={problems[`bindings.${b.value}`] !== undefined}
                  onChange={(e) =>
                    setForm({ ...form, bindings: { ...form.bindings, [b.value]: e.target.value } })
                  }
                />
                <FieldProblem id={`install-binding-${b.value}`} problems={problems[`bindings.${b.value}`]} />
              </label>
            ))}
          </details>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Install
        </button>
      </form>
    </section>
  );
}

function Installed({ installed }: { installed: InstalledWorkflow }) {
  const { agents, secrets, variables } = installed.missing;
  const nothing = agents.length + secrets.length + variables.length === 0;
  return (
    <div role="status" className="installed">
      <p className="ok">
        Installed as <Link to={`/workflows/${encodeURIComponent(installed.name)}`}>{installed.name}</Link>{' '}
        (version {installed.version}, listing version {installed.listingVersion}).
      </p>
      {nothing ? (
        <p>Nothing to provide: it runs as it is.</p>
      ) : (
        <>
          <p>Before a run, provide:</p>
          <ul className="to-provide">
            {agents.map((a) => (
              <li key={`a:${a}`}>
                agent <code>{a}</code>: not one your runs may call; install again with your agent in its place
              </li>
            ))}
            {secrets.map((s) => (
              <li key={`s:${s}`}>
                secret <code>{s}</code>: <code>chainmail secrets set {s}</code>
              </li>
            ))}
            {variables.map((v) => (
              <li key={`v:${v}`}>
                variable <code>{v}</code>: <code>chainmail variables set {v} VALUE</code>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}
