import { AgentError } from '../agent';
import {
  maskSecrets,
  otherTemplatesIn,
  resolveSecrets,
  secretNamesIn,
  secretNamesInConfig,
} from './secret-refs';

describe('secret references', () => {
  it('finds references with or without spaces', () => {
    expect(secretNamesIn('Bearer {{secrets.OPENAI_KEY}} and {{ secrets.other }}')).toEqual([
      'OPENAI_KEY',
      'other',
    ]);
    expect(secretNamesIn('no refs {{inputs.x}}')).toEqual([]);
  });

  it('tells other templates apart', () => {
    expect(otherTemplatesIn('{{secrets.A}} {{ inputs.topic }} {{run.id}}')).toEqual([
      '{{ inputs.topic }}',
      '{{run.id}}',
    ]);
    expect(otherTemplatesIn('{{ secrets.A }}')).toEqual([]);
  });

  it('resolves references to values and says which values it used', () => {
    expect(resolveSecrets('Bearer {{secrets.KEY}}', { KEY: 'sk-123456' }, 'x')).toEqual({
      text: 'Bearer sk-123456',
      used: ['sk-123456'],
    });
  });

  it('fails permanently, naming the variable to set, when a secret is missing', () => {
    let error: unknown;
    try {
      resolveSecrets('{{secrets.NOPE}}', { toString: 'x' } as never, 'research@ (apiKey)');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(AgentError);
    expect(error).toMatchObject({ code: 'AGENT_FAILED', retryable: false });
    expect((error as Error).message).toContain('chainmail secrets set NOPE');
    expect((error as Error).message).toContain('research@ (apiKey)');
    // Names of Object.prototype are not secrets.
    expect(() => resolveSecrets('{{secrets.constructor}}', {}, 'x')).toThrow(/secrets set constructor/);
  });

  it('masks every occurrence of a value, but not values too short to be secrets', () => {
    expect(maskSecrets('Incorrect API key provided: sk-abcdef (sk-abcdef)', ['sk-abcdef'])).toBe(
      'Incorrect API key provided: *** (***)',
    );
    expect(maskSecrets('a b c', ['a'])).toBe('a b c');
  });

  it('lists the names a whole agent configuration references, once each', () => {
    expect(
      secretNamesInConfig({
        url: 'https://x.example',
        secret: '{{secrets.HMAC}}',
        headers: { 'X-Api-Key': '{{ secrets.ECHO_KEY }}', Authorization: 'Bearer {{secrets.HMAC}}' },
        nested: [{ deep: '{{secrets.DEEP}}' }],
        timeoutMs: 5,
      }),
    ).toEqual(['HMAC', 'ECHO_KEY', 'DEEP']);
  });
});
