import { escapeLiteral } from 'pg';
import { inline, quoteLiteral } from './run-projection.writer';

describe('quoteLiteral', () => {
  it('writes every string exactly as pg’s escapeLiteral does', () => {
    const samples = [
      '',
      'plain',
      "it's",
      "''",
      'back\\slash',
      "both ' and \\ here\\'",
      '{"output":"line\\nbreak \\"quoted\\" $1 €🙂"}',
      '\\\\',
      "E'not a prefix'",
    ];
    // And a few thousand random strings over the characters that matter.
    const alphabet = ["'", '\\', 'a', ' ', '"', '$', '1', 'é', '🙂', '\n'];
    let seed = 7;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 2_000; i++) {
      const length = Math.floor(random() * 40);
      samples.push(Array.from({ length }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    }
    for (const sample of samples) expect(quoteLiteral(sample)).toBe(escapeLiteral(sample));
  });

  it('inlines parameters into their placeholders, refusing a missing one', () => {
    expect(inline('SELECT $1, $2, $3', ["o'k", 42, ['a', 'b\\c']])).toBe(
      "SELECT 'o''k', 42, ARRAY['a', E'b\\\\c']",
    );
    expect(() => inline('SELECT $2', ['x'])).toThrow('no parameter $2');
  });
});
