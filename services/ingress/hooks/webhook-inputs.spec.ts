import type { InputDeclaration } from '@chainmail/contracts';
import { webhookInputs } from './webhook-inputs';

const body = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('webhookInputs', () => {
  it('maps a JSON object to inputs and the raw text to user_input', () => {
    expect(webhookInputs(body('{"topic":"crm","n":2}'), 'application/json', [])).toEqual({
      ok: true,
      inputs: { topic: 'crm', n: 2, user_input: '{"topic":"crm","n":2}' },
    });
  });

  it('wraps other JSON values as {body}, and the raw text wins over a user_input field', () => {
    expect(webhookInputs(body('[1,2]'), 'application/json; charset=utf-8', [])).toEqual({
      ok: true,
      inputs: { body: [1, 2], user_input: '[1,2]' },
    });
    expect(webhookInputs(body('"hi"'), 'application/vnd.api+json', [])).toEqual({
      ok: true,
      inputs: { body: 'hi', user_input: '"hi"' },
    });
    const sneaky = webhookInputs(body('{"user_input":"forged"}'), 'application/json', []);
    expect(sneaky).toEqual({ ok: true, inputs: { user_input: '{"user_input":"forged"}' } });
  });

  it('refuses a body that says it is JSON and is not', () => {
    const result = webhookInputs(body('{nope'), 'application/json', []);
    expect(result.ok).toBe(false);
  });

  it('takes text as user_input only, and form fields as inputs', () => {
    expect(webhookInputs(body('hello {{secrets.X}}'), 'text/plain', [])).toEqual({
      ok: true,
      inputs: { user_input: 'hello {{secrets.X}}' },
    });
    expect(webhookInputs(body('a=1&b=two'), 'application/x-www-form-urlencoded', [])).toEqual({
      ok: true,
      inputs: { a: '1', b: 'two', user_input: 'a=1&b=two' },
    });
    expect(webhookInputs(body('{"a":1}'), undefined, [])).toEqual({
      ok: true,
      inputs: { a: 1, user_input: '{"a":1}' },
    });
    expect(webhookInputs(body('{not json'), undefined, [])).toEqual({
      ok: true,
      inputs: { user_input: '{not json' },
    });
  });

  it('keeps only declared inputs when the workflow declares some', () => {
    const declared: InputDeclaration[] = [{ name: 'topic', type: 'string', required: true }];
    expect(
      webhookInputs(body('{"topic":"crm","sender":{"login":"x"}}'), 'application/json', declared),
    ).toEqual({
      ok: true,
      inputs: { topic: 'crm', user_input: '{"topic":"crm","sender":{"login":"x"}}' },
    });
  });
});

describe('webhookInputs — nesting', () => {
  it('refuses a JSON body nested deeper than the JSON limit, before parsing it', () => {
    const deep = Buffer.from('{"a":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}');
    const result = webhookInputs(deep, 'application/json', []);
    expect(result).toEqual({ ok: false, reason: expect.stringContaining('nested more than 64 levels deep') });
  });
});
