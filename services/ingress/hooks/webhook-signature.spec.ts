import { resolveHookSecret } from './hook-secret';
import { checkSignature, signBody } from './webhook-signature';

describe('webhook signatures', () => {
  const body = Buffer.from('{"topic":"crm"}');

  it('accepts the HMAC-SHA256 of the raw body, hex in either case', () => {
    const header = signBody('s3cret', body);
    expect(header).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(checkSignature('s3cret', body, header)).toBe('valid');
    expect(checkSignature('s3cret', body, header.toUpperCase().replace('SHA256=', 'sha256='))).toBe('valid');
  });

  it('refuses another secret, another body, a missing or malformed header', () => {
    const header = signBody('s3cret', body);
    expect(checkSignature('other', body, header)).toBe('mismatch');
    expect(checkSignature('s3cret', Buffer.from('{"topic":"crm" }'), header)).toBe('mismatch');
    expect(checkSignature('s3cret', body, undefined)).toBe('missing');
    expect(checkSignature('s3cret', body, '  ')).toBe('missing');
    expect(checkSignature('s3cret', body, header.replace('sha256=', 'sha1='))).toBe('malformed');
    expect(checkSignature('s3cret', body, header.slice(0, -2))).toBe('malformed');
  });

  it('matches the openssl recipe of the README', () => {
    // printf '%s' '{"topic":"crm"}' | openssl dgst -sha256 -hmac s3cret
    expect(signBody('s3cret', '{"topic":"crm"}')).toBe(
      'sha256=cdf9075c32b32e63749ff89c33c64fcd81f9adc4b1065d021590a215789bdab9',
    );
  });
});

describe('resolveHookSecret', () => {
  it('reads {{secrets.NAME}} from the configured values and takes other text literally', () => {
    expect(resolveHookSecret('{{secrets.HOOK_KEY}}', { HOOK_KEY: 'v' })).toEqual({ ok: true, value: 'v' });
    expect(resolveHookSecret('{{ secrets.hook_key }}', { HOOK_KEY: 'v' })).toEqual({ ok: true, value: 'v' });
    expect(resolveHookSecret('plain-secret', {})).toEqual({ ok: true, value: 'plain-secret' });
  });

  it('says which variable is missing without any value', () => {
    const missing = resolveHookSecret('{{secrets.HOOK_KEY}}', { OTHER: 'x' });
    expect(missing).toEqual({ ok: false, reason: 'secret HOOK_KEY is not set (CHAINMAIL_SECRET_HOOK_KEY)' });
    expect(resolveHookSecret('{{vars.X}}', {}).ok).toBe(false);
  });
});
