import {
  RESOLVE_CHECKPOINT_SUBJECT,
  type CheckpointDecision,
  type CheckpointVia,
  type ResolveCheckpoint,
} from '@chainmail/contracts';
import type { CommandBus } from '@chainmail/event-log';
import { bareAddress as bare, type ApproverDirectory } from '@chainmail/identity';
import type { CheckpointState } from '@chainmail/persistence';
import type { RunViews } from '../runs/run-views';

/** One checkpoint visit, as a mail's Message-ID or a link names it. */
export interface CheckpointVisit {
  runId: string;
  stepId: string;
  visit: number;
}

export interface ApproverAnswer {
  action: CheckpointDecision;
  input?: string;
  comment?: string;
}

/** What came of an approver's answer. */
export type ApproverOutcome =
  /** Sent: the checkpoint is decided (the views show it, or will in a moment). */
  | { kind: 'decided'; checkpoint: CheckpointState }
  /** The sender is not one of the checkpoint's approvers: nothing changed. */
  | { kind: 'not-approver'; checkpoint: CheckpointState }
  /** The visit is decided already (or the run went on, or ended): nothing changed. */
  | { kind: 'closed'; checkpoint: CheckpointState }
  /** No such run or checkpoint step in the views. */
  | { kind: 'unknown' };

/**
 * A decision at a checkpoint by one of its approvers, named by a mail address (a reply mail, a
 * signed link): the visit must still wait, and the sender must be among the addresses of its
 * approvers. The command id is the one the API uses for the visit, so the first decision wins,
 * whichever way it came; a later one decides nothing.
 */
export class ApproverDecisionUseCase {
  constructor(
    private readonly views: Pick<RunViews, 'reads' | 'catchUp' | 'until'>,
    private readonly commands: Pick<CommandBus, 'send'>,
    private readonly approvers: Pick<ApproverDirectory, 'addresses'>,
  ) {}

  /** The checkpoint as the views have it (caught up with the log first when it does not wait there yet). */
  async checkpoint(target: CheckpointVisit): Promise<CheckpointState | null> {
    const read = () => this.views.reads.checkpoint(target.runId, target.stepId);
    const first = await read();
    if (first !== null && first.open && first.visit === target.visit) return first;
    if (first !== null && first.visit > target.visit) return first;
    await this.views.catchUp(target.runId);
    return read();
  }

  /** Whether `address` may decide at this checkpoint. */
  async isApprover(checkpoint: CheckpointState, address: string): Promise<boolean> {
    const addresses = await this.approvers.addresses(checkpoint.approvers ?? ['owner'], checkpoint.owner);
    return addresses.includes(bare(address));
  }

  async decide(
    target: CheckpointVisit,
    by: string,
    answer: ApproverAnswer,
    via: CheckpointVia,
  ): Promise<ApproverOutcome> {
    const checkpoint = await this.checkpoint(target);
    if (checkpoint === null) return { kind: 'unknown' };
    if (!(await this.isApprover(checkpoint, by))) return { kind: 'not-approver', checkpoint };
    if (!checkpoint.open || checkpoint.visit !== target.visit) return { kind: 'closed', checkpoint };
    const { runId, stepId, visit } = target;
    const command: ResolveCheckpoint = {
      type: 'ResolveCheckpoint',
      commandId: `checkpoint:${runId}:${stepId}:${visit}`,
      runId,
      stepId,
      visit,
      action: answer.action,
      ...(answer.input !== undefined ? { input: answer.input } : {}),
      ...(answer.comment !== undefined && answer.comment !== '' ? { comment: answer.comment } : {}),
      by: bare(by),
      via,
    };
    await this.commands.send(RESOLVE_CHECKPOINT_SUBJECT, command);
    const read = () => this.views.reads.checkpoint(runId, stepId);
    await this.views.until(runId, async () => {
      const now = await read();
      return now === null || !now.open || now.visit !== visit;
    });
    return { kind: 'decided', checkpoint };
  }
}
