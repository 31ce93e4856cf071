import { MASK, Redactor } from './redaction';

describe('Redactor', () => {
  const secret = 'k3y/with+special=chars&more';
  const redactor = new Redactor([secret, 'abc']);

  it('masks the value as is and in its common encodings', () => {
    const b64 = Buffer.from(secret).toString('base64');
    const url = b64.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    const text = [
      `raw ${secret}`,
      `b64 ${b64}`,
      `b64url ${url}`,
      `uri ${encodeURIComponent(secret)}`,
      `json ${JSON.stringify({ k: `"${secret}"` })}`,
    ].join('\n');
    const masked = redactor.mask(text);
    expect(masked).not.toContain(secret);
    expect(masked).not.toContain(b64);
    expect(masked).not.toContain(url);
    expect(masked).not.toContain(encodeURIComponent(secret));
    expect(masked.split(MASK).length - 1).toBe(5);
  });

  it('leaves values shorter than 4 characters alone (they would mask ordinary words)', () => {
    expect(redactor.mask('abc def')).toBe('abc def');
  });

  it('masks a value containing another one whole', () => {
    expect(new Redactor(['tok1', 'tok1-long-suffix']).mask('x tok1-long-suffix y tok1')).toBe('x *** y ***');
  });

  it('is empty without values', () => {
    expect(new Redactor([]).empty).toBe(true);
    expect(new Redactor([]).mask('text')).toBe('text');
  });
});
