import { generateApiToken, hashSecret, parseApiToken, secretMatches } from './token-format';

describe('API token format', () => {
  it('generates cm_<16 hex>_<43 base64url> tokens that parse back to their parts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const { id, secret, token } = generateApiToken();
      expect(token).toMatch(/^cm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(parseApiToken(token)).toEqual({ id, secret });
      seen.add(token);
    }
    expect(seen.size).toBe(50);
  });

  it('refuses other shapes: short secrets, wrong prefix, upper-case ids, JWTs', () => {
    const { id, secret } = generateApiToken();
    for (const bad of [
      `cm_${id}_${secret.slice(0, 42)}`,
      `xx_${id}_${secret}`,
      `cm_${id.toUpperCase()}_${secret}`,
      `cm_${id}${secret}`,
      'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      '',
    ]) {
      expect(parseApiToken(bad)).toBeUndefined();
    }
  });

  it('matches a secret against its stored SHA-256 only', () => {
    const { secret } = generateApiToken();
    const stored = hashSecret(secret);
    expect(stored).toHaveLength(32);
    expect(secretMatches(secret, stored)).toBe(true);
    expect(secretMatches(`${secret.slice(0, -1)}x`, stored)).toBe(false);
    expect(secretMatches(secret, Buffer.alloc(0))).toBe(false);
  });
});
