import { describe, expect, it } from 'vitest';
import type { TemplateParameter } from '../api/gallery';
import { initialParamValues, inputTexts, paramsToSend } from './template-params';

const parameters: TemplateParameter[] = [
  { name: 'translator_agent', type: 'agent', default: 'echo@', description: '' },
  { name: 'concurrency', type: 'number', default: 4, description: '' },
  { name: 'review', type: 'boolean', default: true, description: '' },
  { name: 'tone', type: 'string', default: 'friendly', description: '' },
];

describe('template parameters in the use form', () => {
  it('start at their defaults, booleans as checkboxes', () => {
    expect(initialParamValues(parameters)).toEqual({
      translator_agent: 'echo@',
      concurrency: '4',
      review: true,
      tone: 'friendly',
    });
  });

  it('send only what changed, numbers as numbers', () => {
    const values = { ...initialParamValues(parameters), concurrency: '2', review: false };
    expect(paramsToSend(parameters, values)).toEqual({ concurrency: 2, review: false });
    expect(paramsToSend(parameters, initialParamValues(parameters))).toEqual({});
  });

  it('send a wrong value as typed, for the server to name, and an agent without its spaces', () => {
    const values = { ...initialParamValues(parameters), concurrency: 'lots', translator_agent: ' deepl@ ' };
    expect(paramsToSend(parameters, values)).toEqual({ concurrency: 'lots', translator_agent: 'deepl@' });
    expect(paramsToSend(parameters, { ...values, translator_agent: 'echo@ ', concurrency: '' })).toEqual({
      concurrency: '',
    });
  });

  it('give a sample input to the test-run form as texts, lists as JSON', () => {
    expect(inputTexts({ text: 'Hello', languages: ['French', 'German'], n: 2 })).toEqual({
      text: 'Hello',
      languages: '["French","German"]',
      n: '2',
    });
  });
});
