import type { RetryPolicy } from '@chainmail/contracts';

export interface AttemptKey {
  runId: string;
  stepId: string;
  visit: number;
  /** The attempt that failed (1 for the first). */
  attempt: number;
}

/**
 * How long to wait before the attempt after `key.attempt`. Exponential doubles from `delay`, both
 * capped by `max_delay`. Jitter spreads retries of many runs over [half, all] of the delay; it
 * comes from a hash of the attempt, not from randomness, so replaying a log decides the same.
 */
export function retryDelayMs(policy: RetryPolicy, key: AttemptKey): number {
  const base =
    policy.backoff === 'fixed' ? policy.delayMs : policy.delayMs * 2 ** Math.max(0, key.attempt - 1);
  const capped = Math.min(base, Math.max(policy.maxDelayMs, policy.delayMs));
  if (!policy.jitter || capped <= 0) return Math.round(capped);
  const unit = fnv1a(`${key.runId}/${key.stepId}/${key.visit}/${key.attempt}`) / 2 ** 32;
  return Math.round(capped * (0.5 + 0.5 * unit));
}

/** 32-bit FNV-1a: small, stable across platforms and releases. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
