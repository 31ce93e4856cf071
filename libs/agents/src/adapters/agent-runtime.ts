import { OutboundGuard, PUBLIC_ONLY, type NetworkPolicy } from '../net/network-policy';

/** USD per million tokens, by model name (`CHAINMAIL_MODEL_PRICES`). */
export type ModelPrices = Readonly<Record<string, { input: number; output: number }>>;

/**
 * What remote agents need from the process: prices, the network policy, a clock. Not secrets:
 * those belong to the run's owner and come with each call (`AgentCall.secrets`).
 */
export interface AgentRuntime {
  prices: ModelPrices;
  guard: OutboundGuard;
  now: () => number;
  /** Operator-facing notes (a model without a price); the process logs them. */
  notice: (message: string) => void;
}

export function agentRuntime(
  options: {
    prices?: ModelPrices;
    network?: NetworkPolicy;
    now?: () => number;
    notice?: (message: string) => void;
  } = {},
): AgentRuntime {
  return {
    prices: options.prices ?? {},
    guard: new OutboundGuard(options.network ?? PUBLIC_ONLY),
    now: options.now ?? Date.now,
    notice: options.notice ?? (() => undefined),
  };
}

/**
 * The price of a model: the configured name, else the name the server answered with, else the
 * longest priced name that begins it (`gpt-4o-mini` prices `gpt-4o-mini-2024-07-18`).
 */
export function priceFor(
  prices: ModelPrices,
  configured: string,
  answered?: string,
): { model: string; input: number; output: number } | undefined {
  for (const name of [configured, answered]) {
    if (name !== undefined && Object.prototype.hasOwnProperty.call(prices, name)) {
      const price = prices[name];
      if (price) return { model: name, ...price };
    }
  }
  const target = answered ?? configured;
  const prefix = Object.keys(prices)
    .filter((name) => target.startsWith(name))
    .sort((a, b) => b.length - a.length)[0];
  const price = prefix === undefined ? undefined : prices[prefix];
  return prefix === undefined || price === undefined ? undefined : { model: prefix, ...price };
}

/** Tokens × USD per million, rounded to a billionth of a dollar. */
export function costUsd(
  price: { input: number; output: number },
  promptTokens: number,
  completionTokens: number,
): number {
  return Math.round(((promptTokens * price.input + completionTokens * price.output) / 1e6) * 1e9) / 1e9;
}
