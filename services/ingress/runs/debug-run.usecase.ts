import { randomUUID } from 'node:crypto';
import type { DefinitionCatalog } from '@chainmail/catalog';
import {
  ChainmailError,
  DEBUG_RUN_SUBJECT,
  START_RUN_SUBJECT,
  type Actor,
  type Command,
  type ForkOrigin,
  type StoredRunCommit,
  type WorkflowDefinition,
} from '@chainmail/contracts';
import { foldCommits, isTerminal, planFork, rewindRefusal, type RunState } from '@chainmail/engine';
import type { RunDetail } from '@chainmail/persistence';
import { requireOwnerAccess } from '../ownership/owner-access';
import { runNotFound, type RunQueries } from './run-queries';
import type { RunViews } from './run-views';

export interface DebugAnswer {
  runId: string;
  stepId: string;
  visit: number;
  accepted: true;
}

export interface PauseAnswer {
  runId: string;
  accepted: true;
}

export interface ForkAnswer {
  runId: string;
  workflow: string;
  version: number;
  forkedFrom: ForkOrigin;
}

/**
 * Step-by-step debugging, rewind, fork and time travel. Step and resume are checked against the
 * run views (the run is paused, at which step); rewind, fork and time travel read the run's log
 * and fold it with the engine, the one reading of a run that is exact at any commit.
 */
export class DebugRunUseCase {
  constructor(
    private readonly queries: Pick<RunQueries, 'visibleRun'>,
    private readonly views: Pick<RunViews, 'reads' | 'catchUp' | 'until'>,
    private readonly log: { read(runId: string): Promise<StoredRunCommit[]> },
    private readonly catalog: Pick<DefinitionCatalog, 'version'>,
    private readonly commands: { send(subject: string, command: Command): Promise<unknown> },
  ) {}

  /** Runs the step the run is paused before (with `input` instead of its resolved input), then pauses again. */
  async step(actor: Actor, runId: string, input?: string): Promise<DebugAnswer> {
    return this.release(actor, runId, 'StepRun', input);
  }

  /** Runs the paused step and on to the next breakpoint or the end. */
  async resume(actor: Actor, runId: string): Promise<DebugAnswer> {
    return this.release(actor, runId, 'ResumeRun');
  }

  private async release(
    actor: Actor,
    runId: string,
    type: 'StepRun' | 'ResumeRun',
    input?: string,
  ): Promise<DebugAnswer> {
    const visible = await this.queries.visibleRun(actor, runId, 'run');
    // Where the run waits now, not as a cached view had it: the views up to the log's end.
    await this.views.catchUp(runId);
    const run = (await this.views.reads.findRun(runId)) ?? visible;
    const paused = run.pausedAt;
    if (paused === null) {
      throw new ChainmailError(
        'CONFLICT',
        `Run ${runId} is not paused (it is ${run.status}): start a run with "debug": true or "breakpoints" to step through it.`,
        { runId, status: run.status },
      );
    }
    if (input !== undefined && paused.input === undefined) {
      throw new ChainmailError(
        'UNPROCESSABLE',
        `Step "${paused.step}" takes no input to replace (only agent and workflow steps do): step it without "input".`,
        { runId, stepId: paused.step },
      );
    }
    const { step: stepId, visit } = paused;
    const verb = type === 'StepRun' ? 'step' : 'resume';
    const envelope = {
      commandId: `${verb}:${runId}:${stepId}:${visit}`,
      runId,
      stepId,
      visit,
      by: actor.userId,
    };
    await this.commands.send(
      DEBUG_RUN_SUBJECT,
      type === 'StepRun'
        ? { type, ...envelope, ...(input !== undefined ? { input } : {}) }
        : { type, ...envelope },
    );
    // The caller's next read shows the run let go of this pause.
    await this.views.until(runId, async () => {
      const now = await this.views.reads.findRun(runId);
      return now?.pausedAt?.step !== stepId || now.pausedAt.visit !== visit;
    });
    return { runId, stepId, visit, accepted: true };
  }

  /**
   * Asks a running run to pause before its next top-level step (the steps in hand finish first),
   * and before each after it until resumed, as a debug run does. A run paused, or pausing before
   * every step already, is left as it is; an ended one is 409.
   */
  async pause(actor: Actor, runId: string): Promise<PauseAnswer> {
    await this.queries.visibleRun(actor, runId, 'run');
    const { state, seq } = await this.fold(runId);
    if (isTerminal(state.status)) {
      throw new ChainmailError(
        'CONFLICT',
        `Run ${runId} has ended (${state.status}): there is nothing to pause. Rewind or fork it to run it again.`,
        { runId, status: state.status },
      );
    }
    await this.commands.send(DEBUG_RUN_SUBJECT, {
      type: 'PauseRun',
      commandId: `pause:${runId}:${seq}`,
      runId,
      by: actor.userId,
    });
    return { runId, accepted: true };
  }

  /** Takes an ended run back to a top-level step it reached; it continues on its pinned version. */
  async rewind(actor: Actor, runId: string, toStep: string): Promise<DebugAnswer> {
    await this.queries.visibleRun(actor, runId, 'run');
    const { state, seq } = await this.fold(runId);
    const definition = this.definition(state.workflow, state.version);
    const refusal = rewindRefusal(state, definition, toStep);
    if (refusal !== undefined)
      throw new ChainmailError(refusal.code, refusal.message, { runId, step: toStep });
    await this.commands.send(DEBUG_RUN_SUBJECT, {
      type: 'RewindRun',
      commandId: `rewind:${runId}:${seq}`,
      runId,
      toStep,
      by: actor.userId,
    });
    await this.views.until(runId, async () => {
      const now = await this.views.reads.findRun(runId);
      return now !== null && now.lastSeq > seq;
    });
    return { runId, stepId: toStep, visit: (state.steps[toStep]?.visit ?? 0) + 1, accepted: true };
  }

  /**
   * A new run from `step` of this one (as its log stands now), with the earlier steps' results
   * carried over, on the run's pinned version or `version`. Same inputs and owner; the caller is its actor.
   */
  async fork(
    actor: Actor,
    runId: string,
    request: { step: string; version?: number; debug?: boolean },
  ): Promise<ForkAnswer> {
    await this.queries.visibleRun(actor, runId, 'run');
    const { state, seq } = await this.fold(runId);
    const version = request.version ?? state.version;
    const plan = planFork(state, this.definition(state.workflow, version), request.step);
    if (!plan.ok) throw new ChainmailError(plan.refusal.code, plan.refusal.message, { runId, ...request });
    const forkedFrom: ForkOrigin = { runId, seq, step: request.step };
    const newRunId = randomUUID();
    await this.commands.send(START_RUN_SUBJECT, {
      type: 'StartRun',
      commandId: `start:${newRunId}`,
      runId: newRunId,
      workflow: state.workflow,
      version,
      inputs: state.inputs,
      trigger: { kind: 'api', details: { forkedFrom: runId } },
      owner: state.owner,
      actor: actor.userId,
      debug: request.debug === true,
      forkedFrom,
      carried: plan.carried,
    });
    return { runId: newRunId, workflow: state.workflow, version, forkedFrom };
  }

  /** The run's state after its commit at `at` (time travel): the log folded up to there. */
  async stateAt(actor: Actor, runId: string, at: number | undefined): Promise<RunStateView> {
    const commits = await this.log.read(runId);
    const first = commits[0];
    const started = first?.events.find((e) => e.type === 'RunStarted');
    if (first === undefined || started?.type !== 'RunStarted') throw runNotFound(runId);
    requireOwnerAccess(actor, started.data.owner, 'read', () => runNotFound(runId));
    const last = commits[commits.length - 1].seq;
    const seq = at ?? last;
    if (seq > last || seq < first.seq) {
      throw new ChainmailError(
        'UNPROCESSABLE',
        `Run ${runId} has commits at sequences ${first.seq} to ${last}; ${seq} is ${seq > last ? 'past its end' : 'before its start'}.`,
        { runId, at: seq, first: first.seq, last },
      );
    }
    const upTo = commits.filter((c) => c.seq <= seq);
    return stateView(foldCommits(runId, upTo), upTo[upTo.length - 1].seq);
  }

  private async fold(runId: string): Promise<{ state: RunState; seq: number }> {
    const commits = await this.log.read(runId);
    if (commits.length === 0) throw runNotFound(runId);
    return { state: foldCommits(runId, commits), seq: commits[commits.length - 1].seq };
  }

  private definition(workflow: string, version: number): WorkflowDefinition {
    const found = this.catalog.version(workflow, version);
    if (found === undefined) {
      throw new ChainmailError('VERSION_NOT_FOUND', `Workflow "${workflow}" has no version ${version}.`, {
        workflow,
        version,
      });
    }
    return found.definition;
  }
}

export interface StepStateView {
  stepId: string;
  status: string;
  kind: string | null;
  agent: string | null;
  visit: number;
  attempts: number;
  input: string | null;
  output: string | null;
  error: object | null;
  skipReason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  /** A loop or a rewind sent the run back before this step: it waits for its next visit (the fields are its last). */
  pending: boolean;
}

/** A run's state at one commit, in the shape of the run view where the two share fields. */
export interface RunStateView {
  id: string;
  /** The commit this is the state after. */
  seq: number;
  workflow: string;
  version: number;
  status: string;
  owner: string;
  actor: string;
  inputs: Record<string, unknown>;
  debug: boolean;
  output: string | null;
  error: object | null;
  startedAt: string | null;
  endedAt: string | null;
  pausedAt: RunDetail['pausedAt'];
  forkedFrom: ForkOrigin | null;
  steps: StepStateView[];
}

export function stateView(state: RunState, seq: number): RunStateView {
  const paused = state.paused;
  // As the run views say it: a run that runs waits while a checkpoint of its is open.
  const waiting = state.status === 'running' && state.openCheckpoints > 0;
  return {
    id: state.runId,
    seq,
    workflow: state.workflow,
    version: state.version,
    status:
      paused !== undefined && state.status === 'running' ? 'paused' : waiting ? 'waiting' : state.status,
    owner: state.owner,
    actor: state.actor,
    inputs: state.inputs,
    debug: state.debug,
    output: state.output ?? null,
    error: state.error ?? null,
    startedAt: state.startedAt ?? null,
    endedAt: state.endedAt ?? null,
    pausedAt:
      paused !== undefined && state.status === 'running'
        ? {
            step: paused.stepId,
            visit: paused.visit,
            at: paused.at,
            ...(paused.input !== undefined ? { input: paused.input } : {}),
          }
        : null,
    forkedFrom: state.forkedFrom ?? null,
    steps: Object.entries(state.steps).map(([stepId, s]) => ({
      stepId,
      status:
        s.status === 'running' && s.checkpoint !== undefined && s.decision === undefined
          ? 'waiting'
          : s.status,
      kind: s.kind ?? null,
      agent: s.agent ?? null,
      visit: s.visit,
      attempts: s.attempt,
      input: s.input ?? null,
      output: s.output ?? null,
      error: s.error ?? null,
      skipReason: s.skipReason ?? null,
      startedAt: s.startedAt ?? null,
      endedAt: s.endedAt ?? null,
      durationMs: s.durationMs ?? null,
      pending: s.pending === true,
    })),
  };
}
