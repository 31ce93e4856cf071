import type { ValidationIssue } from '@chainmail/contracts';
import {
  MAX_ALIASES,
  MAX_DEPTH,
  MAX_EXPRESSION_LENGTH,
  MAX_EXPRESSION_NESTING,
  MAX_ISSUES,
  MAX_ITEMS_PER_LIST,
  MAX_KEYS_PER_MAP,
  MAX_NODES,
} from './limits';
import { parseWorkflow } from './parse-workflow';

const STEP = 'steps:\n  - id: a\n    agent: research@\n';

function errorsOf(source: string): ValidationIssue[] {
  const result = parseWorkflow(source);
  if (result.ok) throw new Error('expected the definition to be refused');
  return result.errors;
}

function only(source: string): ValidationIssue {
  const errors = errorsOf(source);
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe('parseWorkflow — bounds on hostile definitions', () => {
  it('refuses flow nesting 10,000 deep at the first level past the limit, without composing it', () => {
    const issue = only(`name: w\n${STEP}vars:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`);
    // Flow brackets are counted as the lexer meets them: the first one past the limit is named.
    expect(issue).toMatchObject({ code: 'TOO_LARGE', line: 6, column: 6 + MAX_DEPTH });
    expect(issue.message).toContain(`nested more than ${MAX_DEPTH} levels deep`);
    expect(issue.hint).toBe('flatten the structure');
  });

  it('refuses block nesting past the limit', () => {
    const rows = Array.from({ length: MAX_DEPTH + 2 }, (_, i) => `${'  '.repeat(i + 1)}k${i}:`);
    const issue = only(`name: w\n${STEP}vars:\n${rows.join('\n')} 1\n`);
    expect(issue.code).toBe('TOO_LARGE');
    expect(issue.path).toMatch(/^vars\.k0\.k1\.k2/);
  });

  it('refuses a 40,000-key map at the first key past the limit, naming it', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `  k${i}: v${i}`).join('\n');
    const issue = only(`name: w\n${STEP}vars:\n${keys}\n`);
    expect(issue).toMatchObject({ code: 'TOO_LARGE', path: 'vars', line: 6 + MAX_KEYS_PER_MAP, column: 3 });
    expect(issue.message).toContain(`a map has more than ${MAX_KEYS_PER_MAP} keys`);
  });

  it('refuses 10,000 unknown keys in a flow map as too large', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `u${i}: 1`).join(', ');
    expect(only(`{name: w, steps: [{id: a, agent: research@}], ${keys}}`).code).toBe('TOO_LARGE');
  });

  it(`reports every unknown key under the limit with line and column, up to ${MAX_ISSUES}`, () => {
    const keys = Array.from({ length: MAX_KEYS_PER_MAP - 3 }, (_, i) => `u${i}: 1`).join('\n');
    const errors = errorsOf(`name: w\n${STEP}${keys}\n`);
    expect(errors).toHaveLength(MAX_ISSUES);
    expect(errors.every((e) => e.code === 'UNKNOWN_KEY')).toBe(true);
    expect(errors[0]).toMatchObject({ path: 'u0', line: 5, column: 1 });
    expect(errors[MAX_ISSUES - 1]).toMatchObject({ path: `u${MAX_ISSUES - 1}`, line: 4 + MAX_ISSUES });
  });

  it('reports each repeated key where it is repeated', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `  k${i % 100}: ${i}`).join('\n');
    const errors = errorsOf(`name: w\n${STEP}vars:\n${keys}\n`);
    expect(errors).toHaveLength(100);
    expect(errors[0]).toMatchObject({ code: 'YAML_SYNTAX', path: 'vars.k0', line: 106, column: 3 });
    expect(errors[0].message).toContain('"k0" is written twice');
  });

  it(`refuses long lists and more than ${MAX_NODES} values`, () => {
    const list = `[${Array(MAX_ITEMS_PER_LIST + 1)
      .fill('1')
      .join(', ')}]`;
    expect(only(`name: w\n${STEP}vars:\n  l: ${list}\n`).message).toContain(
      `a list has more than ${MAX_ITEMS_PER_LIST} items`,
    );
    const full = `[${Array(MAX_ITEMS_PER_LIST).fill('1').join(',')}]`;
    const lists = Array.from({ length: MAX_NODES / MAX_ITEMS_PER_LIST + 1 }, (_, i) => `  l${i}: ${full}`);
    const issue = only(`name: w\n${STEP}vars:\n  m:\n  ${lists.join('\n  ')}\n`);
    expect(issue.message).toContain(`more than ${MAX_NODES} values`);
  });

  it(`refuses more than ${MAX_ALIASES} aliases written, and alias bombs`, () => {
    const refs = Array(MAX_ALIASES + 1)
      .fill('*a')
      .join(', ');
    const issue = only(`name: w\n${STEP}vars:\n  a: &a x\n  l: [${refs}]\n`);
    expect(issue.message).toContain(`more than ${MAX_ALIASES} aliases`);
    const bomb = ['  a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `  a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(errorsOf(`name: w\n${STEP}vars:\n${bomb.join('\n')}\n`)[0].code).toBe('TOO_LARGE');
  });

  it('refuses a second document', () => {
    expect(only(`name: w\n${STEP}---\nname: x\n`)).toMatchObject({ code: 'YAML_SYNTAX', line: 5 });
  });

  it('refuses an expression nested 10,000 deep or longer than the limit, at its template', () => {
    const deep = `name: w\n${STEP}    input: "{{ ${'('.repeat(10_000)}1${')'.repeat(10_000)} }}"\n`;
    const issue = only(deep);
    expect(issue).toMatchObject({ code: 'TOO_LARGE', path: 'steps[0].input', line: 5, column: 13 });
    expect(issue.message).toContain(`the limit is ${MAX_EXPRESSION_LENGTH}`);
    expect(issue.message.length).toBeLessThan(300);
    const nested = `(${'('.repeat(MAX_EXPRESSION_NESTING)}1${')'.repeat(MAX_EXPRESSION_NESTING)})`;
    const tooNested = only(`name: w\n${STEP}    input: "{{ ${nested} }}"\n`);
    expect(tooNested.message).toContain(`nests brackets more than ${MAX_EXPRESSION_NESTING} deep`);
    expect(tooNested.hint).toContain('shorten the template or expression');
    const fine = `${'('.repeat(MAX_EXPRESSION_NESTING)}1${')'.repeat(MAX_EXPRESSION_NESTING)}`;
    expect(parseWorkflow(`name: w\n${STEP}    input: "{{ ${fine} == 1 }}"\n`).ok).toBe(true);
  });
});
