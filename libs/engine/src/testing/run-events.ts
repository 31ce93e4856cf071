import {
  makeRunEvent,
  type RunEvent,
  type RunEventMap,
  type RunEventOf,
  type RunEventType,
} from '@chainmail/contracts';
import type { Step, WorkflowDefinition } from '@chainmail/contracts';
import { T0 } from './clock';

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
