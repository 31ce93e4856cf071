import { Link, useSearchParams } from 'react-router';
import { gallery, type ListingSort } from '../api/gallery';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';

const SORTS: [ListingSort, string][] = [
  ['recent', 'recently updated'],
  ['installs', 'most installed'],
  ['stars', 'most starred'],
];

/** Workflows others share with you: found by words and a tag, sorted, on the server. */
export function MarketplacePage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const tag = params.get('tag') ?? '';
  const sort = (params.get('sort') ?? 'recent') as ListingSort;
  const listings = useApi(
    () => gallery.listings({ q: q.trim() || undefined, tag: tag.trim() || undefined, sort }),
    [q, tag, sort],
  );
  const set = (key: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  return (
    <>
      <PageTitle>Marketplace</PageTitle>
      <p className="hint">
        Workflows shared by other users of this server. Share one of yours from its page: “Publish to
        marketplace”.
      </p>
      <form className="filters" role="search" aria-label="Find listings" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={q}
            placeholder="research, digest…"
            onChange={(e) => set('q', e.target.value)}
          />
        </label>
        <label>
          Tag
          <input
            value={tag}
            placeholder="one tag"
            onChange={(e) => set('tag', e.target.value.toLowerCase())}
          />
        </label>
        <label>
          Sort
          <select
            value={sort}
            onChange={(e) => set('sort', e.target.value === 'recent' ? '' : e.target.value)}
          >
            {SORTS.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={listings.error} />
      {listings.data?.length === 0 && <p>No listing you may see matches.</p>}
      <ul className="cards" aria-label="Listings">
        {listings.data?.map((l) => (
          <li key={l.id} className="card" data-listing={l.id}>
            <h2>
              <Link to={`/marketplace/${encodeURIComponent(l.id)}`}>{l.title}</Link>
            </h2>
            <p className="counts">
              <span data-stars={l.stars} title={l.starredByYou ? 'You starred it' : undefined}>
                {l.starredByYou ? '★' : '☆'} {l.stars} {l.stars === 1 ? 'star' : 'stars'}
              </span>
              <span data-installs={l.installs}>
                ⤓ {l.installs} {l.installs === 1 ? 'install' : 'installs'}
              </span>
              <span className="hint">
                v{l.version} · <When at={l.updatedAt} />
              </span>
            </p>
            {l.description && <p>{l.description}</p>}
            <p className="chips">
              {l.tags.map((t) => (
                <button key={t} type="button" className="chip" onClick={() => set('tag', t)}>
                  #{t}
                </button>
              ))}
              {l.visibility === 'team' && <span className="chip">team only</span>}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
