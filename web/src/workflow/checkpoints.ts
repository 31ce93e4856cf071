import type { RunEvent } from '@chainmail/contracts';

export interface OpenCheckpoint {
  stepId: string;
  visit: number;
  message: string;
}

/** The checkpoints the run waits at: opened in the log and not yet decided. */
export function openCheckpoints(events: readonly RunEvent[]): OpenCheckpoint[] {
  const open = new Map<string, OpenCheckpoint>();
  for (const event of events) {
    if (event.type === 'CheckpointOpened') {
      const { stepId, visit, message } = event.data;
      open.set(stepId, { stepId, visit, message });
    } else if (
      event.type === 'CheckpointResolved' ||
      event.type === 'StepFailed' ||
      event.type === 'StepSkipped'
    ) {
      open.delete(event.data.stepId);
    } else if (event.type === 'RunSucceeded' || event.type === 'RunFailed' || event.type === 'RunCancelled') {
      open.clear();
    }
  }
  return [...open.values()];
}
