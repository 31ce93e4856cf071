import { foldCommits, type RunState } from '@chainmail/engine';
import type { RunLog } from '@chainmail/event-log';
import type { RunDetail, RunReadRepository } from '@chainmail/persistence';
import { ChainmailError, type Actor, type OwnerAction } from '@chainmail/contracts';
import { requireOwnerAccess } from '../ownership/owner-access';

/**
 * A run's current state. The read model answers when it has the run; a run too new for it (the
 * projector batches) is folded straight from the log, which is the truth anyway.
 */
export class RunQueries {
  constructor(
    private readonly readModels: RunReadRepository,
    private readonly log: RunLog,
  ) {}

  async run(id: string): Promise<RunDetail> {
    const projected = await this.readModels.findRun(id);
    if (projected && projected.status !== 'running') return projected;
    const commits = await this.log.read(id);
    if (commits.length === 0) {
      if (projected) return projected;
      throw runNotFound(id);
    }
    return fromState(foldCommits(id, commits), commits[commits.length - 1].seq);
  }

  /** The run when the caller sees it (its owner's) and its role allows `action`: else 404 or 403. */
  async visibleRun(actor: Actor, id: string, action: OwnerAction): Promise<RunDetail> {
    const run = await this.run(id);
    requireOwnerAccess(actor, run.owner, action, () => runNotFound(id));
    return run;
  }
}

function fromState(state: RunState, lastSeq: number): RunDetail {
  const steps = Object.entries(state.steps);
  return {
    id: state.runId,
    workflow: state.workflow,
    version: state.version,
    status: state.status === 'new' ? 'running' : state.status,
    owner: state.owner,
    actor: state.actor,
    trigger: state.trigger,
    startedAt: state.startedAt ?? '',
    endedAt: state.endedAt ?? null,
    durationMs:
      state.startedAt && state.endedAt ? Date.parse(state.endedAt) - Date.parse(state.startedAt) : null,
    error: state.error ?? null,
    stepsTotal: steps.length,
    stepsSucceeded: steps.filter(([, s]) => s.status === 'succeeded').length,
    lastSeq,
    inputs: state.inputs,
    debug: state.debug,
    output: state.output ?? null,
    steps: steps.map(([stepId, s], position) => ({
      stepId,
      status: s.status,
      agent: s.agent ?? null,
      visit: s.visit,
      attempts: s.attempt,
      input: s.input ?? null,
      output: s.output ?? null,
      error: s.error ?? null,
      usage: s.usage ?? null,
      skipReason: s.skipReason ?? null,
      startedAt: s.startedAt ?? null,
      endedAt: s.endedAt ?? null,
      durationMs: s.durationMs ?? null,
      position,
    })),
  };
}

export function runNotFound(id: string): ChainmailError {
  return new ChainmailError('RUN_NOT_FOUND', `No run has the id "${id}".`, { runId: id });
}
