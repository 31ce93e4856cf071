import type { DeliveryIntent, DeliveryRepository } from '@chainmail/persistence';
import { retryDelayMs, type RetryPolicy } from './notification.settings';
import { SendFailure } from './send-failure';

/** How a delivery stands after `deliver`: done with (sent, failed, or sent before), or to look at again. */
export type DeliveryOutcome = { settled: true } | { settled: false; until: Date };

/**
 * Sends one delivery at most once: claims its row first (a redelivered event, another replica or a
 * restart finds the claim and sends nothing), then records the result. A transient failure is
 * retried with backoff until the policy's attempts run out; a permanent one fails at once.
 */
export class DeliveryRunner {
  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly staleAfterMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async deliver(
    intent: DeliveryIntent,
    policy: RetryPolicy,
    send: () => Promise<void>,
  ): Promise<DeliveryOutcome> {
    const claim = await this.deliveries.claim(intent, this.now(), this.staleAfterMs);
    if (claim.outcome === 'settled') return { settled: true };
    if (claim.outcome === 'wait') return { settled: false, until: claim.until };
    try {
      await send();
    } catch (err) {
      const failure =
        err instanceof SendFailure ? err : new SendFailure((err as Error).message ?? String(err), true);
      return this.failed(intent.id, claim.attempt, failure, policy);
    }
    await this.deliveries.markSent(intent.id, this.now());
    return { settled: true };
  }

  /** Records a delivery that cannot even be attempted (nobody to send it to). */
  async refuse(intent: DeliveryIntent, reason: string): Promise<DeliveryOutcome> {
    const claim = await this.deliveries.claim(intent, this.now(), this.staleAfterMs);
    if (claim.outcome === 'claimed') await this.deliveries.markFailed(intent.id, reason, this.now());
    return claim.outcome === 'wait' ? { settled: false, until: claim.until } : { settled: true };
  }

  private async failed(
    id: string,
    attempt: number,
    failure: SendFailure,
    policy: RetryPolicy,
  ): Promise<DeliveryOutcome> {
    const now = this.now();
    if (failure.permanent || attempt >= policy.maxAttempts) {
      const why = failure.permanent
        ? failure.message
        : `${failure.message} (gave up after ${attempt} attempts)`;
      await this.deliveries.markFailed(id, why, now);
      return { settled: true };
    }
    const until = new Date(now.getTime() + retryDelayMs(policy, attempt));
    await this.deliveries.markRetrying(id, failure.message, until, now);
    return { settled: false, until };
  }
}
