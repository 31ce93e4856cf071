import { RedeliverLater } from '@chainmail/event-log';
import { DeliveriesDeferred } from './notification.service';

/**
 * A commit whose mail is being sent by another replica, or waits for its retry, comes back when
 * that is due. It is a RedeliverLater, which the consumer runner hands back without logging: an
 * emailed run whose mails all went out logs no "failed, will retry".
 */
describe('DeliveriesDeferred', () => {
  const now = Date.parse('2030-01-01T09:00:00.000Z');

  it('is handed back, not failed, and comes back when the delivery is due', () => {
    const deferred = new DeliveriesDeferred('run-1', new Date(now + 1_500), 30_000, now);
    expect(deferred).toBeInstanceOf(RedeliverLater);
    expect(deferred.delayMs).toBe(1_500);
    expect(deferred.message).toBe('deliveries of run run-1 wait until 2030-01-01T09:00:01.500Z');
  });

  it('comes back soon when the delivery is already due, and at the recheck delay at the latest', () => {
    expect(new DeliveriesDeferred('run-1', new Date(now - 10), 1_000, now).delayMs).toBe(50);
    expect(new DeliveriesDeferred('run-1', new Date(now + 3_600_000), 1_000, now).delayMs).toBe(1_000);
  });
});
