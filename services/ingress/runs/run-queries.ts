import type { RunDetail } from '@chainmail/persistence';
import { ChainmailError, type Actor, type OwnerAction } from '@chainmail/contracts';
import { requireOwnerAccess } from '../ownership/owner-access';
import type { RunViews } from './run-views';

/**
 * A run as its read model shows it. A run the projector has not reached yet (started a moment
 * ago) is waited for, briefly; then what is there is the answer.
 */
export class RunQueries {
  constructor(private readonly views: RunViews) {}

  async run(id: string): Promise<RunDetail> {
    const detail = await this.views.detail(id);
    if (detail) return detail;
    throw runNotFound(id);
  }

  /** The run when the caller sees it (its owner's) and its role allows `action`: else 404 or 403. */
  async visibleRun(actor: Actor, id: string, action: OwnerAction): Promise<RunDetail> {
    const run = await this.run(id);
    requireOwnerAccess(actor, run.owner, action, () => runNotFound(id));
    return run;
  }
}

export function runNotFound(id: string): ChainmailError {
  return new ChainmailError('RUN_NOT_FOUND', `No run has the id "${id}".`, { runId: id });
}
