import type { IncomingMessage } from 'node:http';
import { checkJsonDepth, isDefinitionUpload, isJson, MAX_JSON_DEPTH } from './json-body';

const request = (method: string, url: string, type = 'application/json'): IncomingMessage =>
  ({ method, url, headers: { 'content-type': type } }) as unknown as IncomingMessage;

describe('JSON request bodies', () => {
  it(`accepts nesting up to ${MAX_JSON_DEPTH} levels, brackets inside strings not counted`, () => {
    const deepest = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(() => checkJsonDepth(Buffer.from(deepest))).not.toThrow();
    const text = JSON.stringify({ a: '[[[[{{{{\\"'.repeat(100) });
    expect(() => checkJsonDepth(Buffer.from(text))).not.toThrow();
  });

  it('refuses deeper nesting with 422, saying the limit and where, before any parsing', () => {
    const body = Buffer.from('{"a":' + '['.repeat(200_000) + ']'.repeat(200_000) + '}');
    let caught: unknown;
    try {
      checkJsonDepth(body);
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({ status: 422 });
    expect((caught as Error).message).toContain(`more than ${MAX_JSON_DEPTH} levels deep (at byte 68)`);
  });

  it('leaves definitions sent as JSON to the definition parser', () => {
    expect(isDefinitionUpload(request('POST', '/v1/workflows'))).toBe(true);
    expect(isDefinitionUpload(request('POST', '/v1/workflows/validate?x=1'))).toBe(true);
    expect(isDefinitionUpload(request('POST', '/v1/workflows/w/runs'))).toBe(false);
    expect(isDefinitionUpload(request('GET', '/v1/workflows'))).toBe(false);
    expect(isJson(request('POST', '/', 'application/json; charset=utf-8'))).toBe(true);
    expect(isJson(request('POST', '/', 'application/merge-patch+json'))).toBe(true);
    expect(isJson(request('POST', '/', 'application/yaml'))).toBe(false);
  });
});
