import { Link } from 'react-router';
import { useLivePoll } from '../api/live';
import { APPROVALS_CHANGED, ops } from '../api/ops';
import { PageTitle, Problem, When } from '../components/bits';
import { CheckpointPanel } from '../components/CheckpointPanel';

/**
 * What waits for the signed-in person: the checkpoints of the runs they may decide, oldest wait
 * first, each with its workflow, run, what it waits on and since when, decided in place.
 */
export function ApprovalsPage() {
  const approvals = useLivePoll(() => ops.approvals(), [], { fastMs: 3000, slowMs: 30_000 });
  const decided = (): void => {
    window.dispatchEvent(new Event(APPROVALS_CHANGED));
    approvals.reload();
  };
  return (
    <>
      <PageTitle>Approvals</PageTitle>
      <Problem error={approvals.error} />
      {approvals.data?.length === 0 && <p>Nothing waits for your decision.</p>}
      <ul className="approvals">
        {approvals.data?.map((a) => (
          <li key={`${a.runId}:${a.step}:${a.visit}`} data-approval={a.step} data-run={a.runId}>
            <p className="approval-facts">
              <Link to={`/workflows/${encodeURIComponent(a.workflow)}`}>{a.workflow}</Link>{' '}
              <small>v{a.version}</small> · run <Link to={`/runs/${a.runId}`}>{a.runId.slice(0, 8)}</Link> ·
              waiting since <When at={a.openedAt} />
              {a.deadline && (
                <>
                  {' '}
                  · decide by <When at={a.deadline} />
                </>
              )}
              {a.approvers && a.approvers.length > 0 && <> · approvers: {a.approvers.join(', ')}</>}
            </p>
            <CheckpointPanel
              runId={a.runId}
              checkpoint={{ stepId: a.step, visit: a.visit, message: a.message }}
              draft={a.draft}
              onDecided={decided}
            />
          </li>
        ))}
      </ul>
    </>
  );
}
