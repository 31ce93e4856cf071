import type { RunEvent } from '@chainmail/contracts';

/**
 * Each step's status after the log's events up to `index` (inclusive): the run page's time travel.
 * By event, not by commit: one commit may hold a whole run of instant steps.
 */
export function statusesAt(events: readonly RunEvent[], index: number): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const event of events.slice(0, index + 1)) {
    const step = 'stepId' in event.data ? event.data.stepId : undefined;
    switch (event.type) {
      case 'StepStarted':
      case 'StepResumed':
      case 'StepRetryScheduled':
      case 'AgentMailSent':
        if (step !== undefined) statuses[step] = 'running';
        break;
      case 'StepDeferred':
        if (step !== undefined) statuses[step] = 'waiting';
        break;
      case 'CheckpointOpened':
        if (step !== undefined) statuses[step] = 'waiting';
        break;
      case 'StepSucceeded':
      case 'CheckpointResolved':
        if (step !== undefined) statuses[step] = 'succeeded';
        break;
      case 'StepFailed':
        if (step !== undefined) statuses[step] = 'failed';
        break;
      case 'StepSkipped':
        if (step !== undefined) statuses[step] = 'skipped';
        break;
      case 'StepsReset':
        for (const id of event.data.stepIds) delete statuses[id];
        break;
    }
  }
  return statuses;
}

/** A line of the event log: what happened, in words a person reads. */
export function describeEvent(event: RunEvent): string {
  const d = event.data as unknown as Record<string, unknown>;
  const step = typeof d.stepId === 'string' ? d.stepId : undefined;
  switch (event.type) {
    case 'RunStarted':
      return 'run started';
    case 'StepStarted':
      return `${step} started${typeof d.attempt === 'number' && d.attempt > 1 ? ` (attempt ${d.attempt})` : ''}`;
    case 'StepSucceeded':
      return `${step} succeeded`;
    case 'StepFailed':
      return `${step} failed: ${(d.error as { message?: string } | undefined)?.message ?? ''}`;
    case 'StepSkipped':
      return `${step} skipped: ${String(d.reason ?? '')}`;
    case 'CheckpointOpened':
      return `${step} waits for a decision: ${String(d.message ?? '')}`;
    case 'CheckpointResolved':
      return `${step} decided: ${String(d.action ?? '')}`;
    case 'RunSucceeded':
      return 'run succeeded';
    case 'RunFailed':
      return `run failed: ${(d.error as { message?: string } | undefined)?.message ?? ''}`;
    case 'RunCancelled':
      return `run cancelled: ${String(d.reason ?? '')}`;
    case 'RunPaused':
      return `paused before ${step}`;
    case 'RunStepped':
      return `${step} stepped by ${String(d.by ?? '')}${d.input !== undefined ? ', with an edited input' : ''}`;
    case 'RunResumed':
      return `resumed at ${step} by ${String(d.by ?? '')}`;
    case 'RunPauseRequested':
      return `pause asked by ${String(d.by ?? '')}: it pauses before its next step`;
    default:
      return step === undefined ? event.type : `${event.type} ${step}`;
  }
}
