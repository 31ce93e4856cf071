import { makeRunEvent, type RunEvent, type StoredRunCommit } from '@chainmail/contracts';
import { evolveAll, initialRunState } from '@chainmail/engine';
import type { EndedRun, Telemetry } from '@chainmail/telemetry';
import { recordEndedRun } from './run-spans';

const TRIGGER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const started = makeRunEvent('RunStarted', 'r-1', '2026-01-01T10:00:00.000Z', {
  workflow: 'digest',
  version: 2,
  inputs: {},
  trigger: { kind: 'email' },
  owner: 'u',
  actor: 'u',
  debug: false,
  commandId: 'start:r-1',
  timeoutMs: 60_000,
  traceparent: TRIGGER,
});

/** What `recordEndedRun` records for a commit appended after the run's start. */
function recorded(events: RunEvent[], exporting = true): EndedRun[] {
  const runs: EndedRun[] = [];
  const telemetry = { exporting, recordRun: (_service: string, run: EndedRun) => runs.push(run) };
  const commit: StoredRunCommit = { runId: 'r-1', prev: 1, seq: 2, events };
  recordEndedRun(
    telemetry as unknown as Telemetry,
    commit,
    evolveAll(initialRunState('r-1'), [started, ...events]),
  );
  return runs;
}

describe('recordEndedRun', () => {
  it('records a succeeded run from its start in the log to its end, in the trigger trace', () => {
    const end = makeRunEvent('RunSucceeded', 'r-1', '2026-01-01T10:00:05.000Z', {
      output: 'done',
      durationMs: 5000,
    });
    expect(recorded([end])).toEqual([
      {
        runId: 'r-1',
        startedIn: TRIGGER,
        workflow: 'digest',
        version: 2,
        trigger: 'email',
        startedAt: '2026-01-01T10:00:00.000Z',
        endedAt: '2026-01-01T10:00:05.000Z',
        status: 'succeeded',
      },
    ]);
  });

  it('at an end after a rewind, says which rewind the stretch began with, and when', () => {
    const end = (at: string) => makeRunEvent('RunSucceeded', 'r-1', at, { output: 'done', durationMs: 5000 });
    const rewind = makeRunEvent('RunRewound', 'r-1', '2026-01-01T11:00:00.000Z', {
      toStep: 'a',
      resetStepIds: [],
      timeoutMs: 60_000,
      by: 'u',
    });
    const last = end('2026-01-01T11:00:03.000Z');
    const runs: EndedRun[] = [];
    const telemetry = { exporting: true, recordRun: (_service: string, run: EndedRun) => runs.push(run) };
    const state = evolveAll(initialRunState('r-1'), [started, end('2026-01-01T10:00:05.000Z'), rewind, last]);
    recordEndedRun(
      telemetry as unknown as Telemetry,
      { runId: 'r-1', prev: 3, seq: 4, events: [last] },
      state,
    );
    expect(runs).toMatchObject([
      {
        startedAt: '2026-01-01T10:00:00.000Z',
        endedAt: '2026-01-01T11:00:03.000Z',
        rewound: { count: 1, at: '2026-01-01T11:00:00.000Z' },
      },
    ]);
  });

  it('gives a failed run its error code', () => {
    const error = { code: 'STEP_FAILED', message: 'step a failed', retryable: false, stepId: 'a' };
    const end = makeRunEvent('RunFailed', 'r-1', '2026-01-01T10:00:05.000Z', { error, durationMs: 5000 });
    expect(recorded([end])).toMatchObject([
      { status: 'failed', error: { code: 'STEP_FAILED', message: 'step a failed' } },
    ]);
  });

  it('records nothing for a commit that does not end the run, nor when nothing is exported', () => {
    const end = makeRunEvent('RunCancelled', 'r-1', '2026-01-01T10:00:05.000Z', {
      reason: 'r',
      by: 'u',
      durationMs: 5000,
    });
    expect(
      recorded([makeRunEvent('RunPaused', 'r-1', '2026-01-01T10:00:01.000Z', { stepId: 'a', visit: 1 })]),
    ).toEqual([]);
    expect(recorded([end], false)).toEqual([]);
    expect(recorded([end])).toMatchObject([{ status: 'cancelled' }]);
  });
});
