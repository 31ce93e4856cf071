import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { RunDetail, StepDetail } from '@chainmail/contracts';
import { api } from '../api/api';
import { useRunStream } from '../api/live';
import { useApi } from '../api/use-api';
import { duration, PageTitle, Problem, Status, When } from '../components/bits';
import { CheckpointPanel } from '../components/CheckpointPanel';
import { DebugPanel } from '../components/DebugPanel';
import { EventLog } from '../components/EventLog';
import { RunLinks } from '../components/RunLinks';
import { WorkflowGraph } from '../components/WorkflowGraph';
import { openCheckpoints } from '../workflow/checkpoints';
import { statusesAt } from '../workflow/timeline';

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);
const live = (run: RunDetail | undefined): boolean => run === undefined || !TERMINAL.has(run.status);
/** Without the live stream, the page polls at this pace; with it, only until the views show the stream's commit. */
const POLL_MS = 1000;
const CATCH_UP_MS = 250;

/**
 * One run: the graph of its version coloured by each step's status (live while it runs), each
 * step's input, output, attempts, duration, cost and error, the event log with time travel, and
 * the debugger. Live from the run's event stream: each commit reloads the run; polling only
 * while the stream is not open (refused, or the run ended and was rewound).
 */
export function RunPage() {
  const id = useParams().id as string;
  const [following, setFollowing] = useState(true);
  const stream = useRunStream(id, following);
  const run = useApi(
    () => api.run(id),
    [id, stream.seq],
    stream.connected ? CATCH_UP_MS : POLL_MS,
    (data) => live(data) && (!stream.connected || (data?.lastSeq ?? 0) < stream.seq),
  );
  useEffect(() => setFollowing(live(run.data)), [run.data?.status]);
  const events = useApi(() => api.runEvents(id), [id, run.data?.lastSeq], undefined);
  const version = useApi(
    () => (run.data ? api.version(run.data.workflow, run.data.version) : Promise.resolve(undefined)),
    [run.data?.workflow, run.data?.version],
  );
  const [at, setAt] = useState<number>();
  const [cancelError, setCancelError] = useState<Error>();

  const waiting = useMemo(() => openCheckpoints(events.data ?? []), [events.data]);
  const statuses = useMemo(() => {
    if (at !== undefined && events.data) return statusesAt(events.data, at);
    const now: Record<string, string> = Object.fromEntries(
      (run.data?.steps ?? []).map((s) => [s.stepId, s.status]),
    );
    for (const checkpoint of waiting) now[checkpoint.stepId] = 'waiting';
    // A paused run: the step it waits before runs next.
    if (run.data?.pausedAt) now[run.data.pausedAt.step] = 'paused';
    return now;
  }, [at, events.data, run.data, waiting]);

  if (run.error && !run.data) return <Problem error={run.error} />;
  if (!run.data) return <p>Loading…</p>;
  const r = run.data;
  const cost = r.steps.reduce((sum, s) => sum + (s.usage?.costUsd ?? 0), 0);

  return (
    <div className="run-page">
      <PageTitle
        actions={
          !TERMINAL.has(r.status) && (
            <button
              type="button"
              className="danger"
              onClick={() => api.cancelRun(r.id).then(run.reload, setCancelError)}
            >
              Cancel run
            </button>
          )
        }
      >
        Run {r.id.slice(0, 8)} of{' '}
        <Link to={`/workflows/${encodeURIComponent(r.workflow)}`}>{r.workflow}</Link>{' '}
        <small>v{r.version}</small> <Status value={r.status} />
      </PageTitle>
      <Problem error={cancelError} />
      <RunLinks run={r} />
      <dl className="facts">
        <dt>Started</dt>
        <dd>
          <When at={r.startedAt} />
        </dd>
        <dt>Duration</dt>
        <dd>{duration(r.durationMs)}</dd>
        <dt>Steps</dt>
        <dd>
          {r.stepsSucceeded}/{r.stepsTotal} succeeded
        </dd>
        <dt>Cost</dt>
        <dd>{cost > 0 ? `$${cost.toFixed(4)}` : '—'}</dd>
        <dt>Inputs</dt>
        <dd>
          <code>{JSON.stringify(r.inputs)}</code>
        </dd>
      </dl>
      {r.error && (
        <p role="alert" className="error">
          {r.error.code}: {r.error.message}
          {r.error.stepId ? ` (step ${r.error.stepId})` : ''}
        </p>
      )}
      {!TERMINAL.has(r.status) &&
        waiting.map((checkpoint) => (
          <CheckpointPanel
            key={checkpoint.stepId}
            runId={r.id}
            checkpoint={checkpoint}
            onDecided={run.reload}
          />
        ))}
      <DebugPanel
        key={`${r.id}:${r.pausedAt?.step ?? ''}:${r.pausedAt?.visit ?? ''}`}
        run={r}
        stepIds={version.data?.definition.steps.map((s) => s.id) ?? []}
        onChanged={run.reload}
      />
      <div className="run-body">
        <section className="run-graph" aria-label="Graph">
          {version.data ? (
            <WorkflowGraph definition={version.data.definition} statuses={statuses} />
          ) : (
            <Problem error={version.error} />
          )}
        </section>
        <section className="run-steps" aria-label="Steps">
          {r.steps.map((step) => (
            <StepDetails
              key={`${step.stepId}:${step.visit}`}
              step={
                step.status === 'running' && waiting.some((c) => c.stepId === step.stepId)
                  ? { ...step, status: 'waiting' }
                  : step
              }
            />
          ))}
        </section>
      </div>
      {r.output !== null && (
        <section aria-label="Output" className="output">
          <h2>Output</h2>
          <pre data-testid="run-output">{r.output}</pre>
        </section>
      )}
      <EventLog events={events.data ?? []} at={at} onTravel={setAt} />
    </div>
  );
}

function StepDetails({ step }: { step: StepDetail }) {
  return (
    <details
      className="step-details"
      data-step={step.stepId}
      data-status={step.status}
      open={step.status === 'failed'}
    >
      <summary>
        <strong>{step.stepId}</strong> <Status value={step.status} />{' '}
        {step.agent && <code>{step.agent}</code>}{' '}
        <small>
          {duration(step.durationMs)}
          {step.attempts > 1 ? ` · ${step.attempts} attempts` : ''}
          {step.visit > 1 ? ` · visit ${step.visit}` : ''}
          {step.usage?.costUsd !== undefined ? ` · $${step.usage.costUsd.toFixed(4)}` : ''}
        </small>
      </summary>
      {step.skipReason && <p className="hint">Skipped: {step.skipReason}</p>}
      {step.error && <p className="error">{step.error.message ?? JSON.stringify(step.error)}</p>}
      <h3>Input</h3>
      <pre>{step.input ?? '—'}</pre>
      <h3>Output</h3>
      <pre>{step.output ?? '—'}</pre>
    </details>
  );
}
