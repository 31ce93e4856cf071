import { randomBytes } from 'node:crypto';
import { open, seal, secretAad, SecretUnreadable } from './envelope';
import { masterKeyFrom, MasterKeyInvalid } from './master-key';

const key = (): ReturnType<typeof masterKeyFrom> => masterKeyFrom(randomBytes(32).toString('base64'), 'test');

describe('envelope encryption', () => {
  const master = key();
  const aad = secretAad('team:a', 'OPENAI_KEY');

  it('opens what it sealed, and the value is nowhere in the sealed bytes', () => {
    const sealed = seal(master, aad, 'sk-live-1234567890');
    expect(open(master, aad, sealed)).toBe('sk-live-1234567890');
    const bytes = Buffer.concat([sealed.ciphertext, sealed.iv, sealed.tag, sealed.wrappedKey]);
    expect(bytes.includes(Buffer.from('sk-live'))).toBe(false);
    expect(sealed.keyId).toBe(master.id);
  });

  it('uses a fresh data key and iv per write', () => {
    const a = seal(master, aad, 'same value');
    const b = seal(master, aad, 'same value');
    expect(a.ciphertext.equals(b.ciphertext)).toBe(false);
    expect(a.wrappedKey.equals(b.wrappedKey)).toBe(false);
  });

  it('does not open under another master key', () => {
    const sealed = seal(master, aad, 'value-1');
    const other = key();
    expect(() => open(other, aad, sealed)).toThrow(SecretUnreadable);
    // Even when the row claims the other key's id, the data key does not unwrap.
    expect(() => open(other, aad, { ...sealed, keyId: other.id })).toThrow(SecretUnreadable);
  });

  it('does not open as another secret (owner or name): ciphertext cannot be moved', () => {
    const sealed = seal(master, aad, 'value-1');
    expect(() => open(master, secretAad('team:b', 'OPENAI_KEY'), sealed)).toThrow(SecretUnreadable);
    expect(() => open(master, secretAad('team:a', 'OTHER'), sealed)).toThrow(SecretUnreadable);
  });

  it('refuses altered bytes', () => {
    const sealed = seal(master, aad, 'value-1');
    const flipped = Buffer.from(sealed.ciphertext);
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => open(master, aad, { ...sealed, ciphertext: flipped })).toThrow(SecretUnreadable);
  });
});

describe('master key', () => {
  it('takes 32 bytes of base64 (a trailing newline is fine) and names it by a fingerprint', () => {
    const text = randomBytes(32).toString('base64');
    const k = masterKeyFrom(`${text}\n`, 'X');
    expect(k.bytes).toHaveLength(32);
    expect(k.id).toMatch(/^mk_[0-9a-f]{16}$/);
    expect(k.id).not.toContain(text.slice(0, 8));
  });

  it('refuses a wrong length or non-base64, without echoing it', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => masterKeyFrom(short, 'CHAINMAIL_MASTER_KEY')).toThrow(MasterKeyInvalid);
    try {
      masterKeyFrom(`${short}!!`, 'CHAINMAIL_MASTER_KEY');
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(MasterKeyInvalid);
      expect((err as Error).message).toContain('CHAINMAIL_MASTER_KEY');
      expect((err as Error).message).not.toContain(short);
    }
  });
});
