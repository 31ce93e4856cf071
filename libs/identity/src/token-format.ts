import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API tokens are `cm_<id>_<secret>`: the id (16 hex digits) finds the row, the secret (32 random
 * bytes, base64url) is never stored — only its SHA-256, compared in constant time. The prefix
 * makes a leaked token easy to recognise (secret scanners) and tells it from an OIDC JWT.
 */
export const TOKEN_PREFIX = 'cm_';
const SHAPE = /^cm_([0-9a-f]{16})_([A-Za-z0-9_-]{43,128})$/;
export const TOKEN_SHAPE_HELP =
  'cm_ then 16 hex digits, "_" and at least 43 base64url characters (32 random bytes); `chainmail tokens generate` prints one';

export interface ApiTokenParts {
  id: string;
  secret: string;
}

export function parseApiToken(text: string): ApiTokenParts | undefined {
  const match = SHAPE.exec(text);
  return match ? { id: match[1], secret: match[2] } : undefined;
}

export function generateApiToken(): ApiTokenParts & { token: string } {
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, token: `${TOKEN_PREFIX}${id}_${secret}` };
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant time: both sides are SHA-256 digests of the same length. */
export function secretMatches(secret: string, storedHash: Buffer): boolean {
  const given = hashSecret(secret);
  return storedHash.length === given.length && timingSafeEqual(given, storedHash);
}

/** A short, stable cache key for a bearer credential (never the credential itself). */
export function credentialKey(bearer: string): string {
  return createHash('sha256').update(bearer, 'utf8').digest('base64url');
}
