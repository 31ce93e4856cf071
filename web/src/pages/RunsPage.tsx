import { Link, useSearchParams } from 'react-router';
import { api } from '../api/api';
import { useLivePoll } from '../api/live';
import { useApi } from '../api/use-api';
import { duration, PageTitle, Problem, Status, When } from '../components/bits';

const STATUSES = ['', 'running', 'waiting', 'paused', 'succeeded', 'failed', 'cancelled'];
const TRIGGERS = ['', 'api', 'cli', 'email', 'webhook', 'schedule', 'workflow'];
const SINCE: [string, number | undefined][] = [
  ['any time', undefined],
  ['last hour', 3_600_000],
  ['last day', 86_400_000],
  ['last week', 7 * 86_400_000],
];

/** Every two seconds while runs start and end; backing off to 15 s while nothing changes. */
const LIST_PACE = { fastMs: 2000, slowMs: 15_000 };

/**
 * Runs, newest first, live while the tab is visible. Workflow, status and time filter on the server;
 * the trigger filters the page shown (the API has no trigger filter).
 */
export function RunsPage() {
  const [params, setParams] = useSearchParams();
  const workflow = params.get('workflow') ?? '';
  const status = params.get('status') ?? '';
  const trigger = params.get('trigger') ?? '';
  const sinceMs = params.get('since') ? Number(params.get('since')) : undefined;
  const runs = useLivePoll(
    () =>
      api.runs({
        workflow: workflow || undefined,
        status: status || undefined,
        since: sinceMs === undefined ? undefined : new Date(Date.now() - sinceMs).toISOString(),
        limit: 100,
      }),
    [workflow, status, sinceMs],
    LIST_PACE,
  );
  const workflows = useApi(() => api.workflows(), []);
  const set = (key: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value === '') next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const shown = (runs.data?.runs ?? []).filter((r) => trigger === '' || triggerKind(r.trigger) === trigger);
  return (
    <>
      <PageTitle>Runs</PageTitle>
      <form className="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Workflow
          <select aria-label="Workflow" value={workflow} onChange={(e) => set('workflow', e.target.value)}>
            <option value="">all</option>
            {workflows.data?.map((w) => (
              <option key={w.name}>{w.name}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select aria-label="Status" value={status} onChange={(e) => set('status', e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select aria-label="Trigger" value={trigger} onChange={(e) => set('trigger', e.target.value)}>
            {TRIGGERS.map((t) => (
              <option key={t} value={t}>
                {t || 'all'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Started
          <select aria-label="Started" value={sinceMs ?? ''} onChange={(e) => set('since', e.target.value)}>
            {SINCE.map(([label, ms]) => (
              <option key={label} value={ms ?? ''}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={runs.error} />
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Run</th>
              <th>Workflow</th>
              <th>Status</th>
              <th>Steps</th>
              <th>Trigger</th>
              <th>Started</th>
              <th>Duration</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((run) => (
              <tr key={run.id} data-run={run.id}>
                <td>
                  <Link to={`/runs/${run.id}`}>{run.id.slice(0, 8)}</Link>
                </td>
                <td>
                  {run.workflow} <small>v{run.version}</small>
                </td>
                <td>
                  <Status value={run.status} />
                  {run.error && <div className="hint">{run.error.message}</div>}
                </td>
                <td>
                  {run.stepsSucceeded}/{run.stepsTotal}
                </td>
                <td>{triggerKind(run.trigger) ?? '—'}</td>
                <td>
                  <When at={run.startedAt} />
                </td>
                <td>{duration(run.durationMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {runs.data && shown.length === 0 && <p>No runs match.</p>}
    </>
  );
}

function triggerKind(trigger: { kind?: unknown; type?: unknown }): string | undefined {
  const kind = trigger.kind ?? trigger.type;
  return typeof kind === 'string' ? kind : undefined;
}
