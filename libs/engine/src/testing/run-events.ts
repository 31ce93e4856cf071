import {
  makeRunEvent,
  type CheckpointDecision,
  type TimerPurpose,
  type RunEvent,
  type RunEventMap,
  type RunEventOf,
  type RunEventType,
  type StartRun,
} from '@chainmail/contracts';
import type { RunCommand, StepOutcome } from '@chainmail/engine';
import type { Step, WorkflowDefinition } from '@chainmail/workflow-dsl';
import { T0 } from './run-script';

/**
 * The events of a run so far, written out for a specification's `given`: each factory fills in
 * what the shell or the engine would (run id, time, visit 1 and attempt 1, a step's kind and
 * agent from the definition), so a test names only what its rule is about. Time moves on by
 * `stepMs` per event.
 */
export class RunHistory {
  private now: number;

  constructor(
    readonly definition: WorkflowDefinition,
    readonly runId = 'run-1',
    start = T0,
    private readonly stepMs = 10,
  ) {
    this.now = start;
  }

  /** Any event, with its data as given. */
  event<K extends RunEventType>(type: K, data: RunEventMap[K]): RunEventOf<K> {
    const at = new Date(this.now).toISOString();
    this.now += this.stepMs;
    return makeRunEvent(type, this.runId, at, data);
  }

  runStarted(inputs: Record<string, unknown> = {}, extra: Partial<RunEventMap['RunStarted']> = {}): RunEvent {
    return this.event('RunStarted', {
      workflow: this.definition.name,
      version: 1,
      inputs,
      trigger: { kind: 'api' },
      owner: 'default',
      actor: 'test',
      debug: false,
      commandId: `start:${this.runId}`,
      timeoutMs: this.definition.timeoutMs,
      ...extra,
    });
  }

  /** Visit 1, attempt 1; the kind and agent (or workflow) of the definition's step. */
  stepStarted(stepId: string, extra: Partial<RunEventMap['StepStarted']> = {}): RunEvent {
    const step = findStep(this.definition.steps, stepId);
    return this.event('StepStarted', {
      stepId,
      visit: 1,
      attempt: 1,
      ...(step?.kind !== undefined ? { kind: step.kind } : {}),
      ...(step?.kind === 'agent' ? { agent: step.agent } : {}),
      ...(step?.kind === 'workflow' ? { workflow: step.workflow } : {}),
      ...(step?.timeoutMs !== undefined ? { timeoutMs: step.timeoutMs } : {}),
      ...extra,
    });
  }

  stepSucceeded(stepId: string, output: string, extra: Partial<RunEventMap['StepSucceeded']> = {}): RunEvent {
    return this.event('StepSucceeded', { stepId, visit: 1, attempt: 1, output, durationMs: 5, ...extra });
  }

  stepFailed(
    stepId: string,
    code: string,
    retryable: boolean,
    extra: Partial<RunEventMap['StepFailed']> = {},
  ): RunEvent {
    return this.event('StepFailed', {
      stepId,
      visit: 1,
      attempt: 1,
      error: { code, message: `${code} happened`, retryable },
      durationMs: 5,
      ...extra,
    });
  }

  stepSkipped(stepId: string, reason: string, extra: Partial<RunEventMap['StepSkipped']> = {}): RunEvent {
    return this.event('StepSkipped', { stepId, visit: 1, reason, ...extra });
  }

  retryScheduled(stepId: string, attempt: number, delayMs: number, visit = 1): RunEvent {
    const dueAt = new Date(this.now + delayMs).toISOString();
    return this.event('StepRetryScheduled', { stepId, visit, attempt, dueAt, delayMs });
  }

  checkpointOpened(stepId: string, message: string, timeoutMs?: number, visit = 1): RunEvent {
    return this.event('CheckpointOpened', {
      stepId,
      visit,
      message,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
  }

  /** The time the next event would get (what `when` may decide at). */
  get clock(): number {
    return this.now;
  }
}

function findStep(steps: readonly Step[], id: string): Step | undefined {
  for (const step of steps) {
    if (step.id === id) return step;
    if (step.kind === 'parallel') {
      const inner = findStep(step.branches, id);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}

/** Commands as the shell sends them, for a specification's `when`. */
export function start(
  definition: WorkflowDefinition,
  inputs: Record<string, unknown> = {},
  extra: Partial<StartRun> = {},
): RunCommand {
  return {
    type: 'StartRun',
    data: {
      commandId: 'start:run-1',
      runId: 'run-1',
      workflow: definition.name,
      version: 1,
      inputs,
      trigger: { kind: 'api' },
      owner: 'default',
      actor: 'test',
      debug: false,
      ...extra,
    },
  };
}

/** The result of attempt `attempt` of visit `visit` (both 1 unless said). */
export function complete(
  stepId: string,
  outcome: StepOutcome,
  at: { visit?: number; attempt?: number } = {},
): RunCommand {
  return {
    type: 'CompleteStep',
    data: { stepId, visit: at.visit ?? 1, attempt: at.attempt ?? 1, outcome },
  };
}

export function fire(timer: TimerPurpose, dueAt = new Date(T0).toISOString()): RunCommand {
  return { type: 'FireTimer', data: { timer, dueAt } };
}

export function resolve(
  stepId: string,
  action: CheckpointDecision,
  extra: { input?: string; comment?: string; visit?: number; by?: string } = {},
): RunCommand {
  return { type: 'ResolveCheckpoint', data: { stepId, action, by: extra.by ?? 'alice', ...extra } };
}

export function cancel(reason = 'user asked', by = 'api'): RunCommand {
  return { type: 'CancelRun', data: { reason, by } };
}
