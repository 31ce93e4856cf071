import type { RunBudget, StepError } from '@chainmail/contracts';
import type { AgentFacts } from './agent-facts';
import type { Decision } from './decision';
import type { Spent } from './run-state';

/** The characters of input counted as one token by the estimate (a common rule of thumb for English). */
export const CHARS_PER_TOKEN = 4;

export interface CallEstimate {
  tokens: number;
  costUsd: number;
}

/**
 * The run's budget: the definition's `limits`, tightened by the share a sub-workflow run got from
 * its parent (RunStarted.limits). Undefined when neither sets anything.
 */
export function runBudget(d: Decision): RunBudget | undefined {
  const own = d.ctx.definition.limits;
  const inherited = d.state.limits;
  const maxCostUsd = tighter(own?.maxCostUsd, inherited?.maxCostUsd);
  const maxTokens = tighter(own?.maxTokens, inherited?.maxTokens);
  if (maxCostUsd === undefined && maxTokens === undefined) return undefined;
  return {
    ...(maxCostUsd !== undefined ? { maxCostUsd } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
  };
}

/**
 * The most one call may spend, estimated before it is made: the input at one token per four
 * characters at the input price, plus the agent's output cap (`maxTokens` of its entry) at the
 * output price. Agents without prices (builtin, http, email) estimate nothing.
 */
export function estimateCall(facts: AgentFacts | undefined, input: string): CallEstimate {
  const pricing = facts?.pricing;
  if (pricing === undefined) return { tokens: 0, costUsd: 0 };
  const inputTokens = Math.ceil(input.length / CHARS_PER_TOKEN);
  const outputTokens = pricing.maxOutputTokens ?? 0;
  const costUsd =
    (inputTokens * (pricing.inputUsdPerMillion ?? 0) + outputTokens * (pricing.outputUsdPerMillion ?? 0)) /
    1e6;
  return { tokens: inputTokens + outputTokens, costUsd };
}

/**
 * Why the step may not call `agent` with this input, or undefined when it may. A run that has
 * spent its budget calls nothing more; a call whose estimate would take it past a limit is not
 * made. Either way the step fails before the call, permanently (`AGENT_BUDGET_EXCEEDED`).
 */
export function budgetRefusal(
  d: Decision,
  stepId: string,
  agent: string,
  input: string,
): StepError | undefined {
  const budget = runBudget(d);
  if (budget === undefined) return undefined;
  const spent = { ...d.state.spent, costUsd: roundUsd(d.state.spent.costUsd) };
  const estimate = estimateCall(d.ctx.agents?.(agent), input);
  const tokens = spent.promptTokens + spent.completionTokens;
  const refuse = (why: string): StepError => ({
    code: 'AGENT_BUDGET_EXCEEDED',
    message: `step "${stepId}" did not call ${agent}: ${why}`,
    retryable: false,
  });
  if (budget.maxCostUsd !== undefined) {
    const limit = budget.maxCostUsd;
    if (spent.costUsd >= limit)
      return refuse(`the run has spent ${usd(spent.costUsd)} of its max_cost ${usd(limit)}`);
    if (estimate.costUsd > 0 && spent.costUsd + estimate.costUsd > limit) {
      return refuse(
        `the call could cost up to ${usd(estimate.costUsd)} (${estimate.tokens} tokens estimated) and the run has spent ${usd(spent.costUsd)} of its max_cost ${usd(limit)}`,
      );
    }
  }
  if (budget.maxTokens !== undefined) {
    const limit = budget.maxTokens;
    if (tokens >= limit) return refuse(`the run has used ${tokens} tokens of its max_tokens ${limit}`);
    if (estimate.tokens > 0 && tokens + estimate.tokens > limit) {
      return refuse(
        `the call could use up to ${estimate.tokens} tokens and the run has used ${tokens} of its max_tokens ${limit}`,
      );
    }
  }
  return undefined;
}

/**
 * What a sub-workflow run started now may spend: the rest of this run's budget. The child's
 * spending comes back on the step's result (its usage), so it counts here afterwards.
 */
export function childBudget(d: Decision): RunBudget | undefined {
  const budget = runBudget(d);
  if (budget === undefined) return undefined;
  const spent: Spent = d.state.spent;
  const rest: RunBudget = {};
  if (budget.maxCostUsd !== undefined)
    rest.maxCostUsd = roundUsd(Math.max(0, budget.maxCostUsd - spent.costUsd));
  if (budget.maxTokens !== undefined)
    rest.maxTokens = Math.max(0, budget.maxTokens - spent.promptTokens - spent.completionTokens);
  return rest;
}

function tighter(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Dollars to a billionth, so sums of float costs compare as people expect. */
function roundUsd(value: number): number {
  return Math.round(value * 1e9) / 1e9;
}

function usd(value: number): string {
  const rounded = roundUsd(value);
  return `$${rounded < 0.01 && rounded > 0 ? rounded.toPrecision(3) : rounded.toFixed(rounded >= 100 ? 0 : 2)}`;
}
