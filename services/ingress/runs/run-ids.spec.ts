import { derivedRunId } from './run-ids';

describe('derivedRunId', () => {
  it('is the same for the same parts and a UUID in shape', () => {
    const id = derivedRunId('email', 'competitor-analysis', '<m1@acme.example>');
    expect(id).toBe(derivedRunId('email', 'competitor-analysis', '<m1@acme.example>'));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('differs when any part differs, including how the parts are split', () => {
    const ids = new Set([
      derivedRunId('webhook', 'hook', 'key-1'),
      derivedRunId('webhook', 'hook', 'key-2'),
      derivedRunId('webhook', 'hoo', 'kkey-1'),
      derivedRunId('email', 'hook', 'key-1'),
    ]);
    expect(ids.size).toBe(4);
  });
});
