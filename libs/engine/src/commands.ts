import type { CheckpointDecision, StartRun, StepError, TimerPurpose, Usage } from '@chainmail/contracts';
import type { WorkflowDefinition } from '@chainmail/workflow-dsl';
import type { AgentFacts } from './agent-facts';

/** What an agent call (or a child run) came back with, as the shell reports it to the engine. */
export type StepOutcome =
  | { ok: true; output: string; usage?: Usage; durationMs: number }
  /** `usage`: what a failed attempt spent anyway (a sub-workflow run that failed after model calls). */
  | { ok: false; error: StepError; durationMs: number; usage?: Usage };

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
    }
  /** The agent is at its concurrency limit: the attempt waits for a resume timer, no attempt used. */
  | { type: 'DeferStep'; data: { stepId: string; visit: number; attempt: number; reason: string } }
  /** An email agent's mail went out (the shell sent it): the step waits for the reply. */
  | {
      type: 'RecordAgentMail';
      data: {
        stepId: string;
        visit: number;
        attempt: number;
        messageId: string;
        to: string;
        subject: string;
      };
    }
  /** The reply to an agent mail, already stripped of quotes and signature. */
  | {
      type: 'ReceiveAgentReply';
      data: {
        stepId: string;
        visit: number;
        attempt: number;
        from: string;
        messageId?: string;
        output: string;
      };
    };

/** Everything a decision may depend on besides the state: no clock, no IO inside the engine. */
export interface DecisionContext {
  definition: WorkflowDefinition;
  /** Epoch milliseconds, read by the shell. */
  now: number;
  /**
   * What the agent directory says about an address, as the shell read it for this run's workflow:
   * its kind (a workflow-kind agent starts a child run, an email agent waits for a reply), whether
   * the workflow may use it, and its price for the budget check. Absent: every agent is called.
   */
  agents?: (address: string) => AgentFacts | undefined;
}
