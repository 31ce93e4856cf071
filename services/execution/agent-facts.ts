import { priceFor, type AgentDirectory, type ModelPrices } from '@chainmail/agents';
import { mayUseAgent } from '@chainmail/contracts';
import type { AgentFacts } from '@chainmail/engine';

export interface AgentFactsSettings {
  /** USD per million tokens by model (`CHAINMAIL_MODEL_PRICES`), for the budget estimate. */
  prices: ModelPrices;
  /** How long an email agent's step waits for its reply when it has no timeout (`CHAINMAIL_AGENT_MAIL_TIMEOUT_MS`). */
  mailTimeoutMs: number;
}

/** What the engine is told of an address, for a run of `workflow` owned by `owner`. */
export type AgentFactsLookup = (
  workflow: string,
  owner: string,
) => (address: string) => AgentFacts | undefined;

/**
 * The engine's view of the agent directory: kind, whether the workflow may use the agent, the
 * workflow of a workflow-kind agent, a model's prices and output cap, an email agent's reply
 * timeout. Read at decision time from the live directory; the decision records what it used.
 */
export function agentFactsFrom(
  directory: Pick<AgentDirectory, 'entry' | 'allows'>,
  settings: AgentFactsSettings,
): AgentFactsLookup {
  return (workflow, owner) => (address) => {
    const entry = directory.entry(address);
    if (entry === undefined) return undefined;
    const facts: AgentFacts = { kind: entry.kind };
    if (!mayUseAgent(entry, owner)) {
      facts.forbidden = agentForbiddenReason(entry.address, owner);
    } else if (!directory.allows(address, workflow)) {
      facts.forbidden = `${entry.address} may be used only by the workflows ${(entry.allowedWorkflows ?? []).join(', ')}, not by ${workflow}`;
    }
    const config = entry.config;
    switch (entry.kind) {
      case 'workflow':
        if (typeof config.workflow === 'string') facts.workflow = config.workflow;
        break;
      case 'email':
        facts.replyTimeoutMs = settings.mailTimeoutMs;
        break;
      case 'openai': {
        const price = typeof config.model === 'string' ? priceFor(settings.prices, config.model) : undefined;
        const maxTokens = typeof config.maxTokens === 'number' ? config.maxTokens : undefined;
        facts.pricing = {
          ...(price ? { inputUsdPerMillion: price.input, outputUsdPerMillion: price.output } : {}),
          ...(maxTokens !== undefined ? { maxOutputTokens: maxTokens } : {}),
        };
        break;
      }
      default:
        break;
    }
    return facts;
  };
}

/** Why a run may not call an agent of another owner: names the run's owner, never the entry's. */
export function agentForbiddenReason(address: string, runOwner: string): string {
  return `${address} is not shared with ${runOwner}, the owner of this run; a run may call only the agents its owner may use`;
}
