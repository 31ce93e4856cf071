import type { AgentKindName } from '@chainmail/contracts';

/**
 * What the engine needs to know about an agent before a step calls it, given by the shell from
 * the agent directory (the engine does no lookups of its own). Decisions made with them are
 * recorded in the events, so a replay of the log never needs them again.
 */
export interface AgentFacts {
  kind: AgentKindName;
  /** A workflow-kind agent: the workflow its calls run, as sub-workflow runs. */
  workflow?: string;
  /** Set when the calling run's workflow may not use this agent (its `allowedWorkflows`): why. */
  forbidden?: string;
  /**
   * A model agent's prices (USD per million tokens) and output cap, for the budget estimate of a
   * call before it is made. Missing parts count as zero.
   */
  pricing?: { inputUsdPerMillion?: number; outputUsdPerMillion?: number; maxOutputTokens?: number };
  /** An email agent: how long a step with no `timeout` of its own waits for the reply. */
  replyTimeoutMs?: number;
}
