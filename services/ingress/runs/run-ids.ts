import { createHash } from 'node:crypto';

/**
 * A run id derived from what identifies a delivery (workflow + Message-ID, webhook path +
 * Idempotency-Key), so a redelivered mail or a retried call names the same run: the command
 * dedupe and the run log's first-append check then start it once, across ingress replicas.
 * Shaped as a UUID (version 8, "custom") so it looks like every other run id.
 */
export function derivedRunId(...parts: string[]): string {
  const hash = createHash('sha256');
  // Length-prefixed, so ("ab", "c") and ("a", "bc") differ.
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:${part}`);
  const hex = hash.digest('hex').slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
