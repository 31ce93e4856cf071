import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** The key every data key is wrapped with. `id` names it in each row (a fingerprint, not the key). */
export interface MasterKey {
  readonly id: string;
  readonly bytes: Buffer;
}

export const MASTER_KEY_BYTES = 32;
export const MASTER_KEY_SETTINGS = 'CHAINMAIL_MASTER_KEY or CHAINMAIL_MASTER_KEY_FILE';

export class MasterKeyInvalid extends Error {}

/** A key from its base64 text (whitespace ignored: files often end with a newline). */
export function masterKeyFrom(base64: string, where: string): MasterKey {
  const text = base64.replace(/\s+/g, '');
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (bytes.length !== MASTER_KEY_BYTES) {
    // Never echo the value: it is (meant to be) the key.
    throw new MasterKeyInvalid(
      `${where} must hold ${MASTER_KEY_BYTES} random bytes in base64 (e.g. \`openssl rand -base64 32\`)`,
    );
  }
  const id = `mk_${createHash('sha256').update('chainmail master key id').update(bytes).digest('hex').slice(0, 16)}`;
  return { id, bytes };
}

/**
 * The master key from the configuration: the value itself, else the file it was mounted at
 * (a Kubernetes Secret, the key `chainmail up` made). Neither: undefined, and the store refuses
 * to write or read values until one is given. A value that is set but wrong stops the start.
 */
export function loadMasterKey(settings: {
  masterKey?: string;
  masterKeyFile?: string;
}): MasterKey | undefined {
  if (settings.masterKey !== undefined && settings.masterKey !== '')
    return masterKeyFrom(settings.masterKey, 'CHAINMAIL_MASTER_KEY');
  if (settings.masterKeyFile !== undefined && settings.masterKeyFile !== '') {
    let text: string;
    try {
      text = readFileSync(settings.masterKeyFile, 'utf8');
    } catch (err) {
      throw new MasterKeyInvalid(
        `CHAINMAIL_MASTER_KEY_FILE=${settings.masterKeyFile} cannot be read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      );
    }
    return masterKeyFrom(text, `CHAINMAIL_MASTER_KEY_FILE (${settings.masterKeyFile})`);
  }
  return undefined;
}
