import { pendingOf } from './batch-consumer-runner';

describe('pendingOf', () => {
  it('reads the pending count of both ack subject layouts', () => {
    expect(pendingOf('$JS.ACK.RUN_EVENTS.projector.1.40.40.1733580000000000000.1234')).toBe(1234);
    expect(pendingOf('$JS.ACK.hub.ACCHASH.RUN_EVENTS.projector.1.40.40.1733580000000000000.77.tok')).toBe(77);
  });

  it('counts nothing waiting when the subject is missing or unreadable', () => {
    expect(pendingOf(undefined)).toBe(0);
    expect(pendingOf('_INBOX.abc')).toBe(0);
  });
});
