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
  const store: Record<string, Record<string, string>> = {
    'team:t': { HOOK_KEY: 'v-team' },
    'user:u': { HOOK_KEY: 'v-user' },
  };
  const lookup = async (owner: string, name: string): Promise<string | undefined> => store[owner]?.[name];

  it("reads {{secrets.NAME}} from the workflow owner's secrets and takes other text literally", async () => {
    expect(await resolveHookSecret('{{secrets.HOOK_KEY}}', 'team:t', lookup)).toEqual({
      ok: true,
      value: 'v-team',
    });
    expect(await resolveHookSecret('{{ secrets.HOOK_KEY }}', 'user:u', lookup)).toEqual({
      ok: true,
      value: 'v-user',
    });
    expect(await resolveHookSecret('plain-secret', 'user:u', lookup)).toEqual({
      ok: true,
      value: 'plain-secret',
    });
  });

  it('says which secret is missing for which owner, without any value', async () => {
    const missing = await resolveHookSecret('{{secrets.HOOK_KEY}}', 'team:other', lookup);
    expect(missing).toEqual({
      ok: false,
      reason: 'secret HOOK_KEY is not set for team:other (chainmail secrets set HOOK_KEY)',
    });
    expect((await resolveHookSecret('{{vars.X}}', 'user:u', lookup)).ok).toBe(false);
    const locked = await resolveHookSecret('{{secrets.HOOK_KEY}}', 'user:u', async () => {
      throw new Error('no master key');
    });
    expect(locked).toEqual({ ok: false, reason: 'secret HOOK_KEY cannot be read: no master key' });
  });
});
