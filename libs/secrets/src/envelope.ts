import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { MasterKey } from './master-key';

/**
 * Envelope encryption: each value is sealed with AES-256-GCM under a fresh random data key, and
 * that data key is sealed (AES-256-GCM again) under the master key. Both seals bind the secret's
 * owner and name as additional data, so a row copied onto another secret does not open.
 */
export interface SealedValue {
  ciphertext: Buffer;
  iv: Buffer;
  tag: Buffer;
  /** iv (12) ‖ tag (16) ‖ the encrypted data key (32). */
  wrappedKey: Buffer;
  keyId: string;
}

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const DATA_KEY_BYTES = 32;

export class SecretUnreadable extends Error {}

/** What a ciphertext is bound to: which secret it is. Versioned, so the binding can change later. */
export function secretAad(owner: string, name: string): Buffer {
  return Buffer.from(`chainmail-secret/v1\u0000${owner}\u0000${name}`, 'utf8');
}

export function seal(master: MasterKey, aad: Buffer, plaintext: string): SealedValue {
  const dataKey = randomBytes(DATA_KEY_BYTES);
  try {
    const value = encrypt(dataKey, aad, Buffer.from(plaintext, 'utf8'));
    const wrapped = encrypt(master.bytes, Buffer.concat([Buffer.from('data-key\u0000'), aad]), dataKey);
    return {
      ciphertext: value.ciphertext,
      iv: value.iv,
      tag: value.tag,
      wrappedKey: Buffer.concat([wrapped.iv, wrapped.tag, wrapped.ciphertext]),
      keyId: master.id,
    };
  } finally {
    dataKey.fill(0);
  }
}

/** The value, or `SecretUnreadable` (another master key, another secret's row, altered bytes). */
export function open(master: MasterKey, aad: Buffer, sealed: SealedValue): string {
  if (sealed.keyId !== master.id) {
    throw new SecretUnreadable(
      `sealed under master key ${sealed.keyId}, but the configured master key is ${master.id}`,
    );
  }
  const w = sealed.wrappedKey;
  let dataKey: Buffer | undefined;
  try {
    dataKey = decrypt(
      master.bytes,
      Buffer.concat([Buffer.from('data-key\u0000'), aad]),
      w.subarray(0, IV_BYTES),
      w.subarray(IV_BYTES, IV_BYTES + TAG_BYTES),
      w.subarray(IV_BYTES + TAG_BYTES),
    );
    return decrypt(dataKey, aad, sealed.iv, sealed.tag, sealed.ciphertext).toString('utf8');
  } catch (err) {
    if (err instanceof SecretUnreadable) throw err;
    throw new SecretUnreadable('the sealed value does not open with this key for this secret');
  } finally {
    dataKey?.fill(0);
  }
}

function encrypt(
  key: Buffer,
  aad: Buffer,
  plaintext: Buffer,
): { ciphertext: Buffer; iv: Buffer; tag: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, iv, tag: cipher.getAuthTag() };
}

function decrypt(key: Buffer, aad: Buffer, iv: Buffer, tag: Buffer, ciphertext: Buffer): Buffer {
  const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}
