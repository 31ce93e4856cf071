import { priceFor, type AgentEntry, type ModelPrices } from '@chainmail/agents';

/** An entry as the API shows it; an openai entry says what a million tokens cost, or that it is unpriced. */
export function toAgentView(entry: AgentEntry, prices: ModelPrices): Record<string, unknown> {
  const view: Record<string, unknown> = { ...entry };
  if (entry.kind === 'openai' && typeof entry.config.model === 'string') {
    const price = priceFor(prices, entry.config.model);
    view.pricing = price
      ? { model: price.model, inputPerMillionUsd: price.input, outputPerMillionUsd: price.output }
      : {
          model: entry.config.model,
          unpriced: true,
          note: 'no price in CHAINMAIL_MODEL_PRICES: tokens are recorded, cost is not',
        };
  }
  return view;
}
