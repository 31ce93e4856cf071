import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { choiceFrom, DEFAULT_RANGE, RANGES, type WindowChoice } from '../analytics/shape';

/**
 * The window (and version) an Analytics page shows, kept in its address (`?range=24h`,
 * `?since=…&until=…`, `?version=2`) so a view can be shared and the back button works.
 */
export function useAnalyticsParams(): {
  choice: WindowChoice;
  version: number | undefined;
  setChoice: (choice: WindowChoice) => void;
  setVersion: (version: number | undefined) => void;
} {
  const [params, setParams] = useSearchParams();
  const raw = Number(params.get('version'));
  const version = Number.isInteger(raw) && raw > 0 ? raw : undefined;
  const update = (change: (next: URLSearchParams) => void): void => {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next);
  };
  return {
    choice: choiceFrom(params),
    version,
    setChoice: (choice) =>
      update((next) => {
        for (const key of ['range', 'since', 'until']) next.delete(key);
        if (choice.range !== undefined) next.set('range', choice.range);
        if (choice.since !== undefined) next.set('since', choice.since);
        if (choice.until !== undefined) next.set('until', choice.until);
      }),
    setVersion: (v) =>
      update((next) => {
        if (v === undefined) next.delete('version');
        else next.set('version', String(v));
      }),
  };
}

/** `datetime-local` speaks local time without a zone; the API speaks ISO in UTC. */
const toLocalInput = (iso: string | undefined): string => {
  if (iso === undefined) return '';
  const date = new Date(iso);
  return new Date(date.getTime() - date.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};
const fromLocalInput = (value: string): string | undefined =>
  value === '' || Number.isNaN(Date.parse(value)) ? undefined : new Date(value).toISOString();

/** Time range (the last day, week, month, or from/until), and the version when `versions` is given. */
export function AnalyticsControls({
  choice,
  onChoice,
  versions,
  version,
  onVersion,
}: {
  choice: WindowChoice;
  onChoice: (choice: WindowChoice) => void;
  versions?: number[];
  version?: number;
  onVersion?: (version: number | undefined) => void;
}) {
  const custom = choice.since !== undefined;
  const [customOpen, setCustomOpen] = useState(custom);
  const [since, setSince] = useState(toLocalInput(choice.since));
  const [until, setUntil] = useState(toLocalInput(choice.until));
  const rangeValue = custom || customOpen ? 'custom' : (choice.range ?? DEFAULT_RANGE);

  const apply = (event: FormEvent): void => {
    event.preventDefault();
    const from = fromLocalInput(since);
    if (from !== undefined) onChoice({ since: from, until: fromLocalInput(until) });
  };

  return (
    <form className="analytics-controls row" onSubmit={apply} aria-label="What to show">
      <label>
        Time range
        <select
          value={rangeValue}
          onChange={(e) => {
            const value = e.target.value;
            if (value === 'custom') {
              setCustomOpen(true);
              return;
            }
            setCustomOpen(false);
            onChoice({ range: value as WindowChoice['range'] });
          }}
        >
          {RANGES.map((r) => (
            <option key={r.key} value={r.key}>
              {r.label}
            </option>
          ))}
          <option value="custom">From… until…</option>
        </select>
      </label>
      {(custom || customOpen) && (
        <>
          <label>
            Since
            <input type="datetime-local" required value={since} onChange={(e) => setSince(e.target.value)} />
          </label>
          <label>
            Until (empty: now)
            <input type="datetime-local" value={until} onChange={(e) => setUntil(e.target.value)} />
          </label>
          <button type="submit">Show</button>
        </>
      )}
      {versions !== undefined && onVersion !== undefined && (
        <label>
          Version
          <select
            value={version ?? ''}
            onChange={(e) => onVersion(e.target.value === '' ? undefined : Number(e.target.value))}
          >
            <option value="">All versions</option>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
              </option>
            ))}
          </select>
        </label>
      )}
    </form>
  );
}
