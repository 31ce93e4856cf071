import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api } from '../api/api';
import { gallery, type ListingDetail } from '../api/gallery';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';
import { InstallForm } from '../components/InstallForm';
import { Requirements } from '../components/Requirements';
import { WorkflowGraph } from '../components/WorkflowGraph';
import { isAuthor } from '../gallery/marketplace';

/**
 * A listing: its graph, description, versions and what an installer must provide; `Install`,
 * `Star`/`Unstar`, and `Unpublish` for its author.
 */
export function ListingPage() {
  const id = useParams().id as string;
  const listing = useApi(() => gallery.listing(id), [id]);
  const me = useApi(() => api.me(), []);
  const [error, setError] = useState<Error>();

  if (listing.error && !listing.data) return <Problem error={listing.error} />;
  if (!listing.data) return <p>Loading…</p>;
  const l = listing.data;
  const yours = me.data !== undefined && isAuthor(me.data, l.author);

  const star = async (): Promise<void> => {
    setError(undefined);
    try {
      await gallery.star(l.id, !l.starredByYou);
      listing.reload();
    } catch (err) {
      setError(err as Error);
    }
  };

  return (
    <div className="listing-page">
      <PageTitle
        actions={
          <>
            <button type="button" aria-pressed={l.starredByYou} onClick={() => void star()}>
              {l.starredByYou ? 'Unstar' : 'Star'}
            </button>
            <span className="counts" data-stars={l.stars}>
              {l.stars} {l.stars === 1 ? 'star' : 'stars'}
            </span>
            {yours && !l.unpublished && (
              <UnpublishButton listing={l} onDone={listing.reload} onError={setError} />
            )}
            <Link to="/marketplace">Marketplace</Link>
          </>
        }
      >
        {l.title}
      </PageTitle>
      <Problem error={error} />
      {l.unpublished && (
        <p role="note" className="hint">
          Unpublished: only its author sees it; copies already installed keep working.
        </p>
      )}
      <dl className="facts">
        <dt>Workflow</dt>
        <dd>
          {yours ? <Link to={`/workflows/${encodeURIComponent(l.workflow)}`}>{l.workflow}</Link> : l.workflow}
        </dd>
        <dt>Author</dt>
        <dd>{yours ? `you (${l.author})` : l.author}</dd>
        <dt>Visibility</dt>
        <dd>{l.visibility === 'team' ? `team ${l.team ?? ''} only` : 'everyone on this server'}</dd>
        <dt>Installs</dt>
        <dd data-installs={l.installs}>{l.installs}</dd>
        <dt>Tags</dt>
        <dd>
          {l.tags.map((t) => (
            <Link key={t} className="chip" to={`/marketplace?tag=${encodeURIComponent(t)}`}>
              #{t}
            </Link>
          ))}
          {l.tags.length === 0 && '—'}
        </dd>
      </dl>
      {l.description && <p className="description">{l.description}</p>}
      <div className="detail-body">
        <div>
          <section aria-label="Requirements">
            <h2>What an installer provides</h2>
            <Requirements needs={l.requirements} label="Requirements" />
            <p className="hint">
              Your runs use your own agents, secrets and variables: the listing carries their names, never a
              value.
            </p>
          </section>
          {!l.unpublished && <InstallForm listing={l} onInstalled={listing.reload} />}
          <Versions listing={l} />
          <details>
            <summary>Definition (version {l.version})</summary>
            <pre>{l.source}</pre>
          </details>
        </div>
        <section className="detail-graph" aria-label="Graph">
          <WorkflowGraph definition={l.definition} />
        </section>
      </div>
    </div>
  );
}

/** Asks once more before hiding the listing from the marketplace. */
function UnpublishButton(props: { listing: ListingDetail; onDone: () => void; onError: (e: Error) => void }) {
  const [asking, setAsking] = useState(false);
  const unpublish = async (): Promise<void> => {
    try {
      await gallery.unpublish(props.listing.id);
      props.onDone();
    } catch (err) {
      props.onError(err as Error);
    }
    setAsking(false);
  };
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Unpublish
      </button>
    );
  return (
    <span role="group" aria-label="Confirm unpublish" className="row">
      Hide it from the marketplace?
      <button type="button" className="danger" onClick={() => void unpublish()}>
        Yes, unpublish
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Keep it
      </button>
    </span>
  );
}

function Versions({ listing }: { listing: ListingDetail }) {
  return (
    <section aria-label="Versions">
      <h2>Versions</h2>
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Version</th>
              <th>Title</th>
              <th>Workflow version</th>
              <th>Published</th>
            </tr>
          </thead>
          <tbody>
            {[...listing.versions].reverse().map((v) => (
              <tr key={v.version} data-listing-version={v.version}>
                <td>{v.version}</td>
                <td>{v.title}</td>
                <td>{v.workflowVersion}</td>
                <td>
                  <When at={v.publishedAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
