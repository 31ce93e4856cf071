import type { RunLimits } from '@chainmail/contracts';
import type { ParseContext } from './context';
import { childPath } from './reader';
import type { MapEntry } from './yaml-tree';

const LIMIT_KEYS = ['max_cost', 'max_tokens'];
const MAX_COST_USD = 1_000_000;
const MAX_TOKENS = 1_000_000_000;

/**
 * `limits: { max_cost: 0.50, max_tokens: 20000 }`: a run's budget. `max_cost` is in US dollars
 * (estimated from the model price table), `max_tokens` counts prompt and completion tokens of
 * every agent call of the run. Execution refuses a call once the run has spent either.
 */
export function readLimits(ctx: ParseContext, entry: MapEntry | undefined): RunLimits | undefined {
  if (entry === undefined || (entry.value.kind === 'scalar' && entry.value.value === null)) return undefined;
  const map = ctx.reader.map(entry.value, 'limits', 'limits');
  if (map === undefined) return undefined;
  const fields = ctx.reader.fields(map, 'limits', LIMIT_KEYS, 'limits');
  const limits: RunLimits = {};
  const cost = fields.get('max_cost');
  if (cost !== undefined) {
    const node = cost.value;
    const value = node.kind === 'scalar' ? node.value : undefined;
    if (typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_COST_USD) {
      limits.maxCostUsd = value;
    } else {
      ctx.issues.add(
        'INVALID_VALUE',
        `limits.max_cost must be a number of US dollars above 0 (at most ${MAX_COST_USD})`,
        childPath('limits', 'max_cost'),
        node.offset,
        'e.g. max_cost: 0.50',
      );
    }
  }
  const tokens = fields.get('max_tokens');
  if (tokens !== undefined) {
    const value = ctx.reader.integer(
      tokens.value,
      childPath('limits', 'max_tokens'),
      'limits.max_tokens',
      1,
      MAX_TOKENS,
    );
    if (value !== undefined) limits.maxTokens = value;
  }
  return Object.keys(limits).length > 0 ? limits : undefined;
}
