import type { WorkflowDefinition } from '@chainmail/contracts';
import type { AgentFacts } from './agent-facts';

// The engine's commands are contracts' commands: one vocabulary from the edge to `decide`.
export type { RunCommand, StepOutcome } from '@chainmail/contracts';

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
