import { MAX_EVALUATION_STEPS, MAX_VALUE_LENGTH } from '../limits';
import { buildScope } from './scope';
import { evaluateExpression, renderTemplate } from './template';
import { TemplateError } from './template-error';

const scopeWith = (inputs: Record<string, unknown>) =>
  buildScope({ inputs, run: { id: 'r', started_at: '2025-01-01T00:00:00Z' } });

function failure(run: () => unknown): TemplateError {
  try {
    run();
  } catch (err) {
    if (err instanceof TemplateError) return err;
    throw err;
  }
  throw new Error('expected a TemplateError');
}

describe('expression evaluation is bounded', () => {
  it(`stops a filter that would take more than ${MAX_EVALUATION_STEPS} steps`, () => {
    const list = Array.from({ length: 3000 }, (_, i) => ({ x: i }));
    const scope = scopeWith({ list, ids: list.map((item) => item.x) });
    const err = failure(() => evaluateExpression('{{ list[.x in ids] }}', scope));
    expect(err.tooLarge).toBe(true);
    expect(err.message).toContain(`more than ${MAX_EVALUATION_STEPS} steps`);
    // The same filter over a short list is fine.
    const small = scopeWith({ list: list.slice(0, 10), ids: [1, 2] });
    expect(evaluateExpression('{{ list[.x in ids] }}', small)).toEqual([{ x: 1 }, { x: 2 }]);
  });

  it(`refuses to build text longer than ${MAX_VALUE_LENGTH} characters`, () => {
    const big = 'x'.repeat(MAX_VALUE_LENGTH / 2 + 1);
    const scope = scopeWith({ big, many: Array(3).fill(big) });
    expect(failure(() => evaluateExpression('{{ big + big }}', scope)).message).toContain(
      'the text built with "+"',
    );
    expect(failure(() => evaluateExpression('{{ many | join }}', scope)).message).toContain(
      'the joined text',
    );
    expect(failure(() => renderTemplate('{{big}}{{big}}', scope)).message).toContain('the rendered text');
    expect(renderTemplate('{{big}}', scope)).toHaveLength(big.length);
  });
});
