/** Exponential backoff: attempt n waits `baseDelayMs · 2^(n-1)`, capped, up to `maxAttempts` in all. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Tuning of the notification service; the defaults suit a real mail server and real receivers. */
export interface NotificationSettings {
  /** Commits handled at once by this process (each may be sending a mail). */
  concurrency: number;
  /** Start consuming on application bootstrap (tests may start it by hand). */
  autoStart: boolean;
  /** Mail: a server down for a while (4xx, refused) is retried for about half an hour. */
  mailRetry: RetryPolicy;
  /** Webhooks: 5 attempts over about two minutes (8 s, 16 s, 32 s, 64 s apart). */
  webhookRetry: RetryPolicy;
  /** A delivery `sending` this long was abandoned by a stopped sender. */
  sendingStaleMs: number;
  webhookTimeoutMs: number;
  /** How soon a commit whose deliveries must wait comes back (by its redelivery count). */
  recheckDelayMs: (redeliveryCount: number) => number;
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = {
  concurrency: 16,
  autoStart: true,
  mailRetry: { maxAttempts: 8, baseDelayMs: 15_000, maxDelayMs: 10 * 60_000 },
  webhookRetry: { maxAttempts: 5, baseDelayMs: 8_000, maxDelayMs: 64_000 },
  sendingStaleMs: 2 * 60_000,
  webhookTimeoutMs: 10_000,
  recheckDelayMs: (n) => Math.min(1_000 * 2 ** n, 30_000),
};

export const NOTIFICATION_SETTINGS = Symbol('NOTIFICATION_SETTINGS');

export function retryDelayMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.baseDelayMs * 2 ** Math.max(0, attempt - 1), policy.maxDelayMs);
}
