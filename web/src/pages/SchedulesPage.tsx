import { Link } from 'react-router';
import type { ScheduleSummary } from '@chainmail/contracts';
import { useLivePoll } from '../api/live';
import { ops } from '../api/ops';
import { PageTitle, Problem, Status, When } from '../components/bits';
import { useKeyedAction } from '../components/use-action';

/** Each schedule in words, its steps, its last run and the next one; pause and resume. */
export function SchedulesPage() {
  const schedules = useLivePoll(() => ops.schedules(), [], { fastMs: 10_000, slowMs: 60_000 });
  const { busy, error, run } = useKeyedAction<string>();
  const toggle = (s: ScheduleSummary): Promise<boolean> =>
    run(s.id, async () => {
      await ops.pauseSchedule(s.id, !s.paused);
      schedules.reload();
    });
  return (
    <>
      <PageTitle>Scheduled workflows</PageTitle>
      <Problem error={schedules.error ?? error} />
      {schedules.data?.length === 0 && <p>No workflow has a schedule trigger.</p>}
      <div className="table-wrap">
        <table className="schedules">
          <thead>
            <tr>
              <th>Workflow</th>
              <th>When</th>
              <th>Steps</th>
              <th>Last run</th>
              <th>Next run</th>
              <th>
                <span className="sr-only">Pause or resume</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {schedules.data?.map((s) => (
              <tr
                key={s.id}
                data-schedule={s.name}
                data-schedule-id={s.id}
                data-paused={s.paused}
                className={s.paused ? 'paused' : undefined}
              >
                <td>
                  <Link to={`/workflows/${encodeURIComponent(s.name)}`}>{s.name}</Link>{' '}
                  <small>v{s.version}</small>
                  {s.paused && (
                    <div>
                      <Status value="paused" />
                    </div>
                  )}
                </td>
                <td>
                  {s.description} <small>({s.timezone})</small>
                  <div className="hint">
                    <code>{s.cron}</code>
                  </div>
                  {s.problem && <div className="error">{s.problem}</div>}
                </td>
                <td data-label="Steps">{[...s.steps, ...delivery(s.output)].join(' → ')}</td>
                <td data-label="Last run">
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
                <td data-label="Next run">{s.paused ? 'none while paused' : <When at={s.nextRunAt} />}</td>
                <td>
                  <button
                    type="button"
                    disabled={busy === s.id}
                    aria-label={`${s.paused ? 'Resume' : 'Pause'} ${s.id}`}
                    onClick={() => void toggle(s)}
                  >
                    {s.paused ? 'Resume' : 'Pause'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        A paused schedule starts no run, on any version of its workflow, until resumed; the ticks it missed
        while paused are not caught up.
      </p>
    </>
  );
}

/** Where the result goes, as the last link of the chain (the seed's "research → summarize → email"). */
function delivery(output: string): string[] {
  if (output === 'both') return ['email + webhook'];
  return output === 'email' || output === 'webhook' ? [output] : [];
}
