import { Link } from 'react-router';
import type { RunDetail } from '@chainmail/contracts';
import { analyticsApi } from '../api/analytics';
import { useApi } from '../api/use-api';
import { traceUrl } from '../analytics/trace-link';

/**
 * Where a run leads beyond its page: its workflow's analytics, and its trace in the trace viewer
 * when the server has a trace URL template (`CHAINMAIL_TRACE_URL_TEMPLATE`) and the run a trace id.
 */
export function RunLinks({ run }: { run: RunDetail }) {
  const config = useApi(() => analyticsApi.consoleConfig(), []);
  const trace = traceUrl(config.data?.traceUrlTemplate, run.traceId);
  return (
    <p className="run-links row">
      <Link to={`/analytics/${encodeURIComponent(run.workflow)}`}>Analytics of {run.workflow}</Link>
      {trace !== null && (
        <a href={trace} target="_blank" rel="noreferrer noopener" className="button">
          Open trace
        </a>
      )}
    </p>
  );
}
