import { Link } from 'react-router';
import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, Status, When } from '../components/bits';

/** Each schedule in words, its steps, its last run and the next one. */
export function SchedulesPage() {
  const schedules = useApi(() => api.schedules(), [], 10_000);
  return (
    <>
      <PageTitle>Scheduled workflows</PageTitle>
      <Problem error={schedules.error} />
      {schedules.data?.length === 0 && <p>No workflow has a schedule trigger.</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Workflow</th>
              <th>When</th>
              <th>Steps</th>
              <th>Last run</th>
              <th>Next run</th>
            </tr>
          </thead>
          <tbody>
            {schedules.data?.map((s) => (
              <tr key={`${s.name}:${s.schedule}`} data-schedule={s.name}>
                <td>
                  <Link to={`/workflows/${encodeURIComponent(s.name)}`}>{s.name}</Link>{' '}
                  <small>v{s.version}</small>
                </td>
                <td>
                  {s.description} <small>({s.timezone})</small>
                  <div className="hint">
                    <code>{s.cron}</code>
                  </div>
                  {s.problem && <div className="error">{s.problem}</div>}
                </td>
                <td>{s.steps.join(' → ')}</td>
                <td>
                  {s.lastRun ? (
                    <>
                      <Link to={`/runs/${s.lastRun.runId}`}>
                        <Status value={s.lastRun.status} />
                      </Link>{' '}
                      <When at={s.lastRun.firedAt} />
                    </>
                  ) : (
                    'never'
                  )}
                </td>
                <td>
                  <When at={s.nextRunAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        A schedule stops with its trigger: remove it from the workflow (or roll back to a version without it)
        to pause it.
      </p>
    </>
  );
}
