import { TERMINAL_RUN_EVENTS, type RunEventType, type StoredRunCommit } from '@chainmail/contracts';
import type { RunState } from '@chainmail/engine';
import type { EndedRun, Telemetry } from '@chainmail/telemetry';

const STATUS: Partial<Record<RunEventType, EndedRun['status']>> = {
  RunSucceeded: 'succeeded',
  RunFailed: 'failed',
  RunCancelled: 'cancelled',
  RunTimedOut: 'timed_out',
};

/**
 * Records the run's span when `commit` ends the run. Called for the commits this process
 * appended, and each commit has one writer: the span is recorded once, by whichever replica
 * ended the run, from the start time and trigger context the log kept (`RunStarted`). A run
 * rewound after its end records, at each later end, a span of its own for the stretch since the
 * rewind (see `EndedRun.rewound`).
 */
export function recordEndedRun(telemetry: Telemetry, commit: StoredRunCommit, state: RunState): void {
  if (!telemetry.exporting) return;
  const end = commit.events.find((event) => TERMINAL_RUN_EVENTS.has(event.type));
  const status = end === undefined ? undefined : STATUS[end.type];
  if (end === undefined || status === undefined || state.startedAt === undefined) return;
  const failed = status === 'failed' || status === 'timed_out';
  telemetry.recordRun('execution', {
    runId: state.runId,
    startedIn: state.traceparent,
    workflow: state.workflow,
    version: state.version,
    trigger: state.trigger.kind,
    startedAt: state.startedAt,
    endedAt: end.at,
    status,
    ...(failed && state.error !== undefined
      ? { error: { code: state.error.code, message: state.error.message } }
      : {}),
    ...(state.rewinds > 0 && state.rewoundAt !== undefined
      ? { rewound: { count: state.rewinds, at: state.rewoundAt } }
      : {}),
  });
}
