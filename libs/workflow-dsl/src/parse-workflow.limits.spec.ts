import { parseWorkflow } from './parse-workflow';

const lines = (...rows: string[]): string => rows.join('\n') + '\n';
const STEPS = ['steps:', '  - id: a', '    agent: research@'];

describe('parseWorkflow — limits (a run budget)', () => {
  it('reads max_cost in dollars and max_tokens', () => {
    const result = parseWorkflow(
      lines('name: w', 'limits:', '  max_cost: 0.50', '  max_tokens: 20000', ...STEPS),
    );
    expect(result.ok && result.definition.limits).toEqual({ maxCostUsd: 0.5, maxTokens: 20000 });
  });

  it('takes either limit alone, and no limits as none', () => {
    const cost = parseWorkflow(lines('name: w', 'limits: { max_cost: 2 }', ...STEPS));
    expect(cost.ok && cost.definition.limits).toEqual({ maxCostUsd: 2 });
    const none = parseWorkflow(lines('name: w', ...STEPS));
    expect(none.ok && 'limits' in none.definition).toBe(false);
    const empty = parseWorkflow(lines('name: w', 'limits: {}', ...STEPS));
    expect(empty.ok && empty.definition.limits).toBeUndefined();
  });

  it('refuses wrong values and unknown keys at their line and column', () => {
    const result = parseWorkflow(
      lines('name: w', 'limits:', '  max_cost: "$5"', '  max_tokens: 1.5', '  max_calls: 3', ...STEPS),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.code, e.path, e.line, e.column])).toEqual([
      ['INVALID_VALUE', 'limits.max_cost', 3, 13],
      ['INVALID_VALUE', 'limits.max_tokens', 4, 15],
      ['UNKNOWN_KEY', 'limits.max_calls', 5, 3],
    ]);
    expect(result.errors[0]?.message).toContain('US dollars');
  });

  it('refuses a budget of nothing, and limits that are not a map', () => {
    for (const bad of ['limits: { max_cost: 0 }', 'limits: { max_tokens: 0 }', 'limits: 5']) {
      const result = parseWorkflow(lines('name: w', bad, ...STEPS));
      expect(result.ok).toBe(false);
    }
  });
});
