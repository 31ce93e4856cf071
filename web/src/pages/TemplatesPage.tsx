import { Link, useSearchParams } from 'react-router';
import { gallery } from '../api/gallery';
import { useApi } from '../api/use-api';
import { PageTitle, Problem } from '../components/bits';

/** The templates library: cards found by words and category on the server; each opens its page. */
export function TemplatesPage() {
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const category = params.get('category') ?? '';
  const found = useApi(
    () => gallery.templates({ q: q.trim() || undefined, category: category || undefined }),
    [q, category],
  );
  // The categories of the whole library, not only of what the search found.
  const library = useApi(() => gallery.templates({}), []);
  const set = (key: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const templates = found.data?.templates;
  return (
    <>
      <PageTitle>Templates</PageTitle>
      <form
        className="filters"
        role="search"
        aria-label="Find templates"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          Search
          <input
            type="search"
            value={q}
            placeholder="digest, review…"
            onChange={(e) => set('q', e.target.value)}
          />
        </label>
        <label>
          Category
          <select value={category} onChange={(e) => set('category', e.target.value)}>
            <option value="">all</option>
            {library.data?.categories.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={found.error ?? library.error} />
      {templates?.length === 0 && (
        <p>No template has all of these words{category ? ` in ${category}` : ''}.</p>
      )}
      <ul className="cards" aria-label="Templates">
        {templates?.map((t) => (
          <li key={t.id} className="card" data-template={t.id}>
            <h2>
              <Link to={`/templates/${encodeURIComponent(t.id)}`}>{t.title}</Link>
            </h2>
            <span className="chip category">{t.category}</span>
            <p>{t.description}</p>
            <p className="hint card-agents">
              Agents:{' '}
              {t.agents.map((a) => (
                <code key={a} className="chip">
                  {a}
                </code>
              ))}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
