import type { StoredRunCommit } from '@chainmail/contracts';
import { projectCommits } from './run-projection';
import type { RunRecord } from './run-read.model';
import { failureOf } from './run-failure';

/**
 * The run's views as the projector writes them from these commits into empty tables, without a
 * database: for tests of readers, through the same event mapping as the projector.
 */
export function runRecordOf(runId: string, commits: readonly StoredRunCommit[]): RunRecord | null {
  const batch = projectCommits(commits.filter((c) => c.runId === runId));
  const run = batch.runs[0];
  if (!run) return null;
  const s = run.started;
  const steps = batch.steps.sort((a, b) => a.position - b.position || (a.stepId < b.stepId ? -1 : 1));
  const ended = run.status !== undefined && run.status !== 'running' && run.status !== 'waiting';
  const waiting = steps.find((p) => p.status === 'waiting' && p.decision === undefined);
  // As the writer derives it: a run that runs waits while a checkpoint of its waits.
  const status = ended ? run.status : waiting !== undefined ? 'waiting' : 'running';
  return {
    id: runId,
    workflow: s?.workflow ?? '',
    version: s?.version ?? 0,
    status: status ?? 'running',
    owner: s?.owner ?? '',
    actor: s?.actor ?? '',
    trigger: s?.trigger ?? { kind: 'api' },
    startedAt: s?.startedAt ?? run.firstAt,
    endedAt: run.endedAt ?? null,
    durationMs: run.durationMs ?? null,
    error: run.error ?? null,
    stepsTotal: steps.length,
    stepsSucceeded: steps.filter((p) => p.status === 'succeeded').length,
    lastSeq: run.lastSeq,
    inputs: s?.inputs ?? {},
    debug: s?.debug ?? false,
    output: run.output ?? null,
    pausedAt: run.status === 'paused' ? (run.pausedAt ?? null) : null,
    forkedFrom: s?.forkedFrom ?? null,
    traceId: s?.traceId ?? null,
    failure: failureOf(
      run.status ?? 'running',
      run.error ?? null,
      steps.map((p) => ({
        stepId: p.stepId,
        input: p.input ?? null,
        attemptErrors: p.attemptErrors ?? null,
      })),
    ),
    checkpoint:
      waiting === undefined || ended
        ? null
        : {
            step: waiting.stepId,
            visit: waiting.visit,
            message: waiting.checkpointMessage ?? '',
            actions: waiting.checkpointActions ?? null,
            deadline: waiting.checkpointDeadline ?? null,
            approvers: waiting.checkpointApprovers ?? null,
            openedAt: waiting.startedAt ?? null,
          },
    parentRunId: s?.parentRunId ?? null,
    vars: s?.vars ?? null,
    steps: steps.map((p, position) => ({
      stepId: p.stepId,
      status: p.status,
      agent: p.agent ?? null,
      visit: p.visit,
      attempts: p.attempts ?? 0,
      input: p.input ?? null,
      output: p.output ?? null,
      error: p.error ?? null,
      usage: p.usage ?? null,
      skipReason: p.skipReason ?? null,
      startedAt: p.startedAt ?? null,
      endedAt: p.endedAt ?? null,
      durationMs: p.durationMs ?? null,
      position,
      kind: p.kind ?? null,
      items: p.items ?? null,
      decision: p.decision ?? null,
    })),
  };
}
