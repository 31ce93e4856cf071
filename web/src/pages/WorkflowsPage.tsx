import { Link } from 'react-router';
import { api } from '../api/api';
import { useApi } from '../api/use-api';
import { PageTitle, Problem, When } from '../components/bits';

/** The workflows this identity may see, with their active version and steps. */
export function WorkflowsPage() {
  const workflows = useApi(() => api.workflows(), []);
  return (
    <>
      <PageTitle
        actions={
          <Link className="button primary" to="/workflows/new">
            New workflow
          </Link>
        }
      >
        Workflows
      </PageTitle>
      <Problem error={workflows.error} />
      {workflows.data?.length === 0 && <p>No workflows yet: make one with “New workflow”.</p>}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Steps</th>
              <th>Version</th>
              <th>Triggers</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {workflows.data?.map((w) => (
              <tr key={w.name} data-workflow={w.name}>
                <td>
                  <Link to={`/workflows/${encodeURIComponent(w.name)}`}>{w.name}</Link>
                  {w.description && <div className="hint">{w.description}</div>}
                </td>
                <td>{w.steps.join(' → ')}</td>
                <td>
                  {w.activeVersion}
                  {w.latestVersion !== w.activeVersion ? ` of ${w.latestVersion}` : ''}
                </td>
                <td>{w.triggers.map((t) => t.type).join(', ') || '—'}</td>
                <td>
                  <When at={w.updatedAt} />
                </td>
                <td className="row">
                  <Link to={`/runs?workflow=${encodeURIComponent(w.name)}`}>Runs</Link>
                  <Link to={`/workflows/${encodeURIComponent(w.name)}/versions`}>Versions</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
