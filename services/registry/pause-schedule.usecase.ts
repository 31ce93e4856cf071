import { ChainmailError, type PauseScheduleRequest } from '@chainmail/contracts';
import type { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionAppender } from './publish-workflow.usecase';

export interface PausedSchedule {
  name: string;
  schedule: string;
  paused: boolean;
  seq: number;
}

/**
 * Pauses or resumes one schedule trigger of a workflow, as a fact on the workflow's definition
 * subject: every process's catalog folds it, so it holds across restarts and replicas. Asking
 * for the state it is in already appends nothing.
 */
export class PauseSchedule {
  constructor(
    private readonly catalog: DefinitionCatalog,
    private readonly log: DefinitionAppender,
    private readonly clock: () => number = Date.now,
  ) {}

  async execute(request: PauseScheduleRequest): Promise<PausedSchedule> {
    const entry = this.catalog.get(request.name);
    if (!entry) {
      throw new ChainmailError('WORKFLOW_NOT_FOUND', `No workflow is named "${request.name}".`, {
        name: request.name,
      });
    }
    const { name, schedule, paused } = request;
    if ((entry.scheduleStates[schedule]?.paused ?? false) === paused) {
      return { name, schedule, paused, seq: entry.lastSeq };
    }
    const { seq } = await this.log.append(
      name,
      {
        type: paused ? 'SchedulePaused' : 'ScheduleResumed',
        v: 1,
        at: new Date(this.clock()).toISOString(),
        data: { name, schedule, by: request.by },
      },
      entry.lastSeq,
    );
    return { name, schedule, paused, seq };
  }
}
