import { WorkerPool, WorkerTimeout } from '@chainmail/platform';
import { DefinitionParser } from './definition-parser';

const SOURCE = [
  'name: w',
  'trigger: { type: webhook, path: w, secret: "{{secrets.K}}" }',
  'steps:',
  '  - id: a',
  '    agent: research@',
  '  - id: b',
  '    agent: nobody@',
  '',
].join('\n');

describe('DefinitionParser', () => {
  const parser = new DefinitionParser(new WorkerPool(), 1_000_000);

  it('asks the directory about every agent named, and reports the unknown ones where they are', async () => {
    const asked: string[] = [];
    const result = await parser.parse({ source: SOURCE, contentType: 'yaml' }, (address) => {
      asked.push(address);
      return address === 'research@';
    });
    expect(asked.sort()).toEqual(['nobody@', 'research@']);
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.path, e.line, e.column])).toEqual([
      ['UNKNOWN_AGENT', 'steps[1].agent', 7, 12],
    ]);
    expect((await parser.parse({ source: SOURCE, contentType: 'yaml' }, () => true)).ok).toBe(true);
  });

  it('reports refused agents like unknown ones, and a directory that throws as not knowing', async () => {
    const refused = await parser.parse(
      { source: SOURCE, contentType: 'yaml' },
      () => true,
      new Set(['research@']),
    );
    expect(refused.ok ? [] : refused.errors.map((e) => e.path)).toEqual(['steps[0].agent']);
    const throwing = await parser.parse({ source: SOURCE, contentType: 'yaml' }, () => {
      throw new Error('directory down');
    });
    expect(throwing.ok ? 0 : throwing.errors.length).toBe(2);
  });

  it('runs the source-only rules with the parse: an open webhook is refused at its line', async () => {
    const open = SOURCE.replace(', secret: "{{secrets.K}}"', '');
    const result = await parser.parse({ source: open, contentType: 'yaml' }, () => true);
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.line])).toEqual([['INVALID_VALUE', 2]]);
  });

  it('refuses, as too large, a definition whose check ran past the time budget', async () => {
    const pool = Object.assign(new WorkerPool(), {
      run: () => Promise.reject(new WorkerTimeout('checking the definition took longer than 5000 ms')),
    });
    const result = await new DefinitionParser(pool, 1_000_000).parse(
      { source: SOURCE, contentType: 'yaml' },
      () => true,
    );
    expect(result.ok ? [] : result.errors.map((e) => [e.code, e.message, e.line])).toEqual([
      ['TOO_LARGE', 'checking the definition took too long and was stopped', 1],
    ]);
  });
});
