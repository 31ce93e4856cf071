import {
  canonicalOwner,
  CANCEL_RUN_SUBJECT,
  mayStartWorkflow,
  START_RUN_SUBJECT,
  type CancelRun,
  type RunEvent,
  type RunEventOf,
  type StartRun,
  type StepError,
  type Usage,
} from '@chainmail/contracts';
import { childRunInputs, type RunState, type StepOutcome } from '@chainmail/engine';
import { injectTraceHeaders } from '@chainmail/telemetry';
import { NO_MEMBERSHIPS, type OwnerMemberships } from './owner-memberships';
import type { RunCommandHandler } from './run-command-handler';

/** Sends commands to the COMMANDS stream (the event log's CommandBus). */
export interface CommandSender {
  send(subject: string, command: { commandId: string }, headers?: Record<string, string>): Promise<unknown>;
}

/** The active version of a workflow, when one is published. */
export interface ActiveVersions {
  activeVersion(workflow: string): number | undefined;
  /** The workflow's owner; absent: every workflow is taken as the run's own. */
  ownerOf?(workflow: string): string | undefined;
}

type ChildEnd =
  | RunEventOf<'RunSucceeded'>
  | RunEventOf<'RunFailed'>
  | RunEventOf<'RunCancelled'>
  | RunEventOf<'RunTimedOut'>;

/**
 * Sub-workflows, as the shell carries them out: a workflow step's start becomes a StartRun of the
 * child (its id derived from the attempt, so a redelivery starts nothing new), the child's end
 * becomes the parent step's CompleteStep, and a child the parent gave up on is cancelled.
 */
export class ChildRuns {
  constructor(
    private readonly bus: CommandSender,
    private readonly versions: ActiveVersions,
    private readonly commands: RunCommandHandler,
    private readonly memberships: OwnerMemberships = NO_MEMBERSHIPS,
  ) {}

  /** Starts the child run of a `StepStarted` with a workflow, pinned to the active version now. */
  async start(parent: RunState, started: RunEventOf<'StepStarted'>): Promise<void> {
    const { stepId, visit, attempt, workflow, childRunId } = started.data;
    if (workflow === undefined || childRunId === undefined) return;
    const version = this.versions.activeVersion(workflow);
    if (version === undefined) {
      await this.reportToParent(parent.runId, stepId, visit, attempt, {
        ok: false,
        error: {
          code: 'WORKFLOW_NOT_FOUND',
          message: `step "${stepId}" runs workflow "${workflow}", which is not published`,
          retryable: false,
        },
        durationMs: 0,
      });
      return;
    }
    // The run acts with its owner's rights: only its owner's workflows, or its owner's teams'.
    const owner = this.versions.ownerOf?.(workflow);
    if (owner !== undefined && !(await this.mayStart(parent.owner, owner))) {
      await this.reportToParent(parent.runId, stepId, visit, attempt, {
        ok: false,
        error: {
          code: 'WORKFLOW_FORBIDDEN',
          message: `step "${stepId}" runs workflow "${workflow}", which ${parent.owner} (the owner of this run) may not run: a run starts only workflows of its owner or of its owner's teams`,
          retryable: false,
        },
        durationMs: 0,
      });
      return;
    }
    const command: StartRun = {
      type: 'StartRun',
      commandId: `start:${childRunId}`,
      runId: childRunId,
      workflow,
      version,
      inputs: childRunInputs(started.data.input ?? ''),
      trigger: {
        kind: 'workflow',
        details: { parentRunId: parent.runId, parentWorkflow: parent.workflow, stepId },
      },
      owner: parent.owner,
      actor: `workflow:${parent.workflow}`,
      debug: parent.debug,
      parent: { runId: parent.runId, stepId, visit, attempt },
      depth: parent.depth + 1,
      // A run with a budget gives its child what is left of it (decided by the engine at the step's start).
      ...(started.data.limits !== undefined ? { limits: started.data.limits } : {}),
    };
    await this.bus.send(START_RUN_SUBJECT, command, injectTraceHeaders({}));
  }

  private async mayStart(runOwner: string, workflowOwner: string): Promise<boolean> {
    const run = canonicalOwner(runOwner);
    if (run === canonicalOwner(workflowOwner)) return true;
    const teams = run.startsWith('user:') ? await this.memberships.of(run.slice('user:'.length)) : [];
    return mayStartWorkflow(runOwner, workflowOwner, teams);
  }

  /** The parent gave up on this child (a timeout, a cancel, a loop): the child is cancelled too. */
  async cancel(abandoned: RunEventOf<'ChildRunAbandoned'>): Promise<void> {
    const { childRunId, reason } = abandoned.data;
    const command: CancelRun = {
      type: 'CancelRun',
      commandId: `cancel:${childRunId}`,
      runId: childRunId,
      reason: `the parent run gave up on it: ${reason}`,
      by: `run:${abandoned.runId}`,
    };
    await this.bus.send(CANCEL_RUN_SUBJECT, command, injectTraceHeaders({}));
  }

  /** A run ended: when it is a child, its end is the result of the parent step's attempt. */
  async ended(child: RunState, end: RunEvent): Promise<void> {
    if (child.parent === undefined || !isEnd(end)) return;
    const { runId, stepId, visit, attempt } = child.parent;
    await this.reportToParent(runId, stepId, visit, attempt, outcomeOf(child, end));
  }

  private async reportToParent(
    runId: string,
    stepId: string,
    visit: number,
    attempt: number,
    outcome: StepOutcome,
  ): Promise<void> {
    await this.commands.handle(
      runId,
      { type: 'CompleteStep', data: { stepId, visit, attempt, outcome } },
      `${runId}:${stepId}:${visit}:${attempt}:done`,
      injectTraceHeaders({}),
    );
  }
}

function isEnd(event: RunEvent): event is ChildEnd {
  return (
    event.type === 'RunSucceeded' ||
    event.type === 'RunFailed' ||
    event.type === 'RunCancelled' ||
    event.type === 'RunTimedOut'
  );
}

/** What a child run spent, to count against its parent's budget too; undefined when nothing. */
function spentBy(child: RunState): Usage | undefined {
  const { costUsd, promptTokens, completionTokens } = child.spent;
  if (costUsd === 0 && promptTokens === 0 && completionTokens === 0) return undefined;
  const usage: Usage = {};
  if (promptTokens > 0) usage.promptTokens = promptTokens;
  if (completionTokens > 0) usage.completionTokens = completionTokens;
  if (costUsd > 0) usage.costUsd = Math.round(costUsd * 1e9) / 1e9;
  return usage;
}

function outcomeOf(child: RunState, end: ChildEnd): StepOutcome {
  const durationMs = end.data.durationMs;
  const usage = spentBy(child);
  const name = `sub-workflow "${child.workflow}" (run ${child.runId})`;
  let error: StepError;
  switch (end.type) {
    case 'RunSucceeded':
      return { ok: true, output: end.data.output, durationMs, ...(usage ? { usage } : {}) };
    case 'RunFailed': {
      const at = end.data.error.stepId === undefined ? '' : ` at step "${end.data.error.stepId}"`;
      error = { ...end.data.error, message: `${name} failed${at}: ${end.data.error.message}` };
      delete (error as { stepId?: string }).stepId;
      break;
    }
    case 'RunCancelled':
      error = {
        code: 'SUBWORKFLOW_CANCELLED',
        message: `${name} was cancelled: ${end.data.reason}`,
        retryable: false,
      };
      break;
    case 'RunTimedOut':
      error = {
        code: 'RUN_TIMEOUT',
        message: `${name} timed out: ${end.data.message ?? ''}`.trim(),
        retryable: true,
      };
      break;
  }
  return { ok: false, error, durationMs, ...(usage ? { usage } : {}) };
}
