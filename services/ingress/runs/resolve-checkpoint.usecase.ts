import {
  ChainmailError,
  RESOLVE_CHECKPOINT_SUBJECT,
  type Actor,
  type CheckpointDecision,
  type ResolveCheckpoint,
} from '@chainmail/contracts';
import type { CommandBus } from '@chainmail/event-log';
import type { RunQueries } from './run-queries';
import type { RunViews } from './run-views';

export interface CheckpointAnswer {
  action: CheckpointDecision;
  input?: string;
  comment?: string;
}

/**
 * A decision at a checkpoint, checked against the run views: the caller may run the run, and the
 * step waits for a decision now. Answers once the views show the checkpoint decided (waited for
 * briefly), so the caller's next read sees its own decision.
 */
export class ResolveCheckpointUseCase {
  constructor(
    private readonly queries: Pick<RunQueries, 'visibleRun'>,
    private readonly views: Pick<RunViews, 'reads' | 'catchUp' | 'until'>,
    private readonly commands: Pick<CommandBus, 'send'>,
  ) {}

  async resolve(
    actor: Actor,
    runId: string,
    stepId: string,
    answer: CheckpointAnswer,
    via: 'api' | 'cli' = 'api',
  ): Promise<{ runId: string; stepId: string; visit: number; action: CheckpointDecision; accepted: true }> {
    await this.queries.visibleRun(actor, runId, 'run');
    const checkpoint = () => this.views.reads.checkpoint(runId, stepId);
    // Opened a moment ago, it may not be in the views yet: let the projector reach the log's end.
    if ((await checkpoint())?.open !== true) await this.views.catchUp(runId);
    const open = await checkpoint();
    if (open?.open !== true) {
      throw new ChainmailError(
        'CONFLICT',
        `Run ${runId} is not waiting for a decision at step "${stepId}".`,
        {
          runId,
          stepId,
        },
      );
    }
    const command: ResolveCheckpoint = {
      type: 'ResolveCheckpoint',
      commandId: `checkpoint:${runId}:${stepId}:${open.visit}`,
      runId,
      stepId,
      visit: open.visit,
      ...answer,
      by: actor.userId,
      via,
    };
    await this.commands.send(RESOLVE_CHECKPOINT_SUBJECT, command);
    await this.views.until(runId, async () => (await checkpoint())?.open !== true);
    return { runId, stepId, visit: open.visit, action: answer.action, accepted: true };
  }
}
