import type { CheckpointDecision, StartRun, StepError, TimerPurpose, Usage } from '@chainmail/contracts';
import type { WorkflowDefinition } from '@chainmail/workflow-dsl';

/** What an agent call (or a child run) came back with, as the shell reports it to the engine. */
export type StepOutcome =
  | { ok: true; output: string; usage?: Usage; durationMs: number }
  | { ok: false; error: StepError; durationMs: number };

export type RunCommand =
  | { type: 'StartRun'; data: Omit<StartRun, 'type'> }
  | { type: 'CompleteStep'; data: { stepId: string; visit: number; attempt: number; outcome: StepOutcome } }
  | { type: 'CancelRun'; data: { reason: string; by: string } }
  /** A durable timer is due (sent by scheduling). Stale timers decide nothing. */
  | { type: 'FireTimer'; data: { timer: TimerPurpose; dueAt: string } }
  | {
      type: 'ResolveCheckpoint';
      data: {
        stepId: string;
        visit?: number;
        action: CheckpointDecision;
        input?: string;
        comment?: string;
        by: string;
      };
    };

/** Everything a decision may depend on besides the state: no clock, no IO inside the engine. */
export interface DecisionContext {
  definition: WorkflowDefinition;
  /** Epoch milliseconds, read by the shell. */
  now: number;
}
