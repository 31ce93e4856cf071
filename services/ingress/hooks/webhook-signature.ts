import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-chainmail-signature';

export type SignatureCheck = 'valid' | 'missing' | 'malformed' | 'mismatch';

/** `sha256=<hex HMAC-SHA256 of the raw body>`, the value of `X-Chainmail-Signature`. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Compares in constant time, so the answer's timing does not leak how much of a guess was right. */
export function checkSignature(secret: string, body: Buffer, header: string | undefined): SignatureCheck {
  if (header === undefined || header.trim() === '') return 'missing';
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  if (match === null) return 'malformed';
  const given = Buffer.from(match[1].toLowerCase(), 'hex');
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(given, expected) ? 'valid' : 'mismatch';
}
