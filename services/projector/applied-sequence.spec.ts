import { AppliedSequence } from './applied-sequence';

describe('AppliedSequence', () => {
  it('follows the highest applied sequence', () => {
    const applied = new AppliedSequence();
    expect(applied.position).toBe(0);
    applied.applied([3, 1, 2]);
    expect(applied.position).toBe(3);
    applied.applied([2]);
    expect(applied.position).toBe(3);
  });

  it('stays below a failed batch until its messages are applied', () => {
    const applied = new AppliedSequence();
    applied.applied([1, 2]);
    applied.failed([3, 4]);
    applied.applied([5, 6]);
    expect(applied.position).toBe(2);
    applied.applied([3]);
    expect(applied.position).toBe(3);
    applied.applied([4]);
    expect(applied.position).toBe(6);
  });

  it('resolves waiters when their sequence is reached, in any order', async () => {
    const applied = new AppliedSequence();
    const five = applied.waitFor(5, 1_000);
    const two = applied.waitFor(2, 1_000);
    applied.applied([1, 2]);
    await expect(two).resolves.toBe(true);
    applied.applied([5]);
    await expect(five).resolves.toBe(true);
    await expect(applied.waitFor(4, 0)).resolves.toBe(true);
  });

  it('answers false when the wait times out', async () => {
    const applied = new AppliedSequence();
    applied.applied([1]);
    await expect(applied.waitFor(2, 20)).resolves.toBe(false);
  });

  it('a reset starts again from zero and keeps waiters', async () => {
    const applied = new AppliedSequence();
    applied.applied([10]);
    applied.reset(0);
    expect(applied.position).toBe(0);
    const waiting = applied.waitFor(3, 1_000);
    applied.applied([1, 2, 3]);
    await expect(waiting).resolves.toBe(true);
  });

  it('cancelWaiters answers every waiter with false', async () => {
    const applied = new AppliedSequence();
    const waiting = [applied.waitFor(1, 10_000), applied.waitFor(2, 10_000)];
    applied.cancelWaiters();
    await expect(Promise.all(waiting)).resolves.toEqual([false, false]);
  });
});
