import { useEffect } from 'react';
import { NavLink } from 'react-router';
import { useLivePoll } from '../api/live';
import { APPROVALS_CHANGED, ops } from '../api/ops';

/** The navigation's link to the approvals, with how many wait for the signed-in person. */
export function ApprovalsLink() {
  const approvals = useLivePoll(() => ops.approvals(), [], { fastMs: 5000, slowMs: 60_000 });
  const { reload } = approvals;
  useEffect(() => {
    window.addEventListener(APPROVALS_CHANGED, reload);
    return () => window.removeEventListener(APPROVALS_CHANGED, reload);
  }, [reload]);
  const count = approvals.data?.length ?? 0;
  return (
    <NavLink to="/approvals">
      Approvals
      {count > 0 && (
        <span className="badge" aria-label={`${count} waiting`}>
          {count}
        </span>
      )}
    </NavLink>
  );
}
