import {
  TERMINAL_RUN_EVENTS,
  type RunEvent,
  type StoredRunCommit,
  type TimerPurpose,
} from '@chainmail/contracts';

/** A timer to arm: `purpose` fires for the run at `dueAtMs` (epoch milliseconds). */
export interface ArmTimer {
  id: string;
  purpose: TimerPurpose;
  dueAtMs: number;
}

/** A timer that is no longer wanted, whether or not it was armed yet. */
export interface DisarmTimer {
  id: string;
  purpose: TimerPurpose;
}

export interface StepVisit {
  stepId: string;
  visit: number;
}

/** What one commit does to its run's timers. */
export interface TimerPlan {
  runId: string;
  /** Stream sequence of the commit: of two writes to one timer, the later commit's wins. */
  seq: number;
  arm: ArmTimer[];
  disarm: DisarmTimer[];
  /** Step visits whose every timer goes (a skipped step neither times out nor retries). */
  disarmSteps: StepVisit[];
  /** The run ended: all its timers go, and no older commit may arm one again. */
  disarmRun: boolean;
}

/**
 * Deterministic, so that arming twice (a redelivered commit) writes the same row and the id can
 * be the `FireTimer` command id that JetStream dedupes on.
 */
export function timerId(runId: string, purpose: TimerPurpose): string {
  if (purpose.kind === 'run-timeout') return `${runId}/run-timeout`;
  const id = `${runId}/${purpose.kind}/${purpose.stepId}/${purpose.visit}`;
  // Each deferral of an attempt has a timer (and a FireTimer command id) of its own.
  if (purpose.kind === 'resume') return `${id}/${purpose.attempt}/${purpose.deferral}`;
  return 'attempt' in purpose ? `${id}/${purpose.attempt}` : id;
}

/**
 * The timers one commit arms and disarms. Events of a commit are netted in order, so a commit
 * that starts and finishes an attempt arms nothing; nothing after a terminal event counts.
 */
export function planTimers(commit: StoredRunCommit): TimerPlan {
  const arms = new Map<string, ArmTimer>();
  const disarms = new Map<string, DisarmTimer>();
  const steps: StepVisit[] = [];
  const { runId } = commit;
  const arm = (purpose: TimerPurpose, dueAtMs: number): void => {
    if (!Number.isFinite(dueAtMs)) return;
    const id = timerId(runId, purpose);
    disarms.delete(id);
    arms.set(id, { id, purpose, dueAtMs });
  };
  const disarm = (purpose: TimerPurpose): void => {
    const id = timerId(runId, purpose);
    arms.delete(id);
    disarms.set(id, { id, purpose });
  };

  for (const event of commit.events) {
    if (TERMINAL_RUN_EVENTS.has(event.type)) {
      // A run that starts and ends in one commit (instant steps) never had a timer, and there is
      // no older commit that could arm one: nothing to write, not even the end.
      const disarmRun = commit.prev > 0;
      return { runId, seq: commit.seq, arm: [], disarm: [], disarmSteps: [], disarmRun };
    }
    planEvent(event, arm, disarm, (step) => {
      steps.push(step);
      for (const [id, timer] of arms) if (ofStepVisit(timer.purpose, step)) arms.delete(id);
    });
  }
  return {
    runId,
    seq: commit.seq,
    arm: [...arms.values()],
    disarm: [...disarms.values()],
    disarmSteps: steps,
    disarmRun: false,
  };
}

function planEvent(
  event: RunEvent,
  arm: (purpose: TimerPurpose, dueAtMs: number) => void,
  disarm: (purpose: TimerPurpose) => void,
  disarmStep: (step: StepVisit) => void,
): void {
  const at = Date.parse(event.at);
  switch (event.type) {
    case 'RunStarted':
    // A rewound run gets its whole timeout again, from the rewind.
    case 'RunRewound':
      if (positive(event.data.timeoutMs)) arm({ kind: 'run-timeout' }, at + event.data.timeoutMs);
      return;
    case 'StepStarted': {
      const { stepId, visit, attempt, timeoutMs } = event.data;
      if (positive(timeoutMs)) arm({ kind: 'step-timeout', stepId, visit, attempt }, at + timeoutMs);
      return;
    }
    case 'StepSucceeded':
    case 'StepFailed': {
      const { stepId, visit, attempt } = event.data;
      disarm({ kind: 'step-timeout', stepId, visit, attempt });
      return;
    }
    case 'StepSkipped':
      disarmStep({ stepId: event.data.stepId, visit: event.data.visit });
      return;
    case 'StepRetryScheduled': {
      const { stepId, visit, attempt, dueAt, delayMs } = event.data;
      const due = Date.parse(dueAt);
      // `dueAt` is the deciding service's promise; `at + delayMs` says the same if it is unreadable.
      arm({ kind: 'retry', stepId, visit, attempt }, Number.isFinite(due) ? due : at + delayMs);
      return;
    }
    case 'StepDeferred': {
      // An agent at its concurrency limit: the attempt tries for a slot again at `dueAt`.
      const { stepId, visit, attempt, deferral, dueAt, delayMs } = event.data;
      const due = Date.parse(dueAt);
      arm({ kind: 'resume', stepId, visit, attempt, deferral }, Number.isFinite(due) ? due : at + delayMs);
      return;
    }
    case 'CheckpointOpened': {
      const { stepId, visit, timeoutMs } = event.data;
      if (positive(timeoutMs)) arm({ kind: 'checkpoint-timeout', stepId, visit }, at + timeoutMs);
      return;
    }
    case 'CheckpointResolved':
      disarm({ kind: 'checkpoint-timeout', stepId: event.data.stepId, visit: event.data.visit });
      return;
    case 'RunTimeoutDeferred': {
      // Time parked at a checkpoint does not count: the run's limit moves later by that much.
      const due = Date.parse(event.data.dueAt);
      arm({ kind: 'run-timeout' }, Number.isFinite(due) ? due : at + event.data.remainingMs);
      return;
    }
    default:
      return;
  }
}

export function ofStepVisit(purpose: TimerPurpose, step: StepVisit): boolean {
  return purpose.kind !== 'run-timeout' && purpose.stepId === step.stepId && purpose.visit === step.visit;
}

function positive(ms: number | undefined): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0;
}
