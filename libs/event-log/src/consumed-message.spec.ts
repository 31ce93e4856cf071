import { headers, type Msg } from 'nats';
import { DeliveredMessage } from './consumed-message';

function fakeMsg(reply: string, data = '{"a":1}'): { msg: Msg; replies: string[] } {
  const replies: string[] = [];
  const h = headers();
  h.set('traceparent', 'tp');
  const msg = {
    subject: 't1.runs.r1',
    sid: 1,
    reply,
    data: new TextEncoder().encode(data),
    headers: h,
    respond: (payload?: Uint8Array) => {
      replies.push(new TextDecoder().decode(payload));
      return true;
    },
  } as unknown as Msg;
  return { msg, replies };
}

describe('DeliveredMessage', () => {
  it('reads sequence and redeliveries from a 2.9 ack subject', () => {
    const { msg } = fakeMsg('$JS.ACK.RUN_EVENTS.projector.3.1042.17.1700000000000000000.5');
    const m = new DeliveredMessage(msg, 'runs.r1');
    expect(m.seq).toBe(1042);
    expect(m.redeliveryCount).toBe(2);
    expect(m.subject).toBe('runs.r1');
    expect(m.json()).toEqual({ a: 1 });
    expect(m.headers).toEqual({ traceparent: 'tp' });
  });

  it('gives each header its first value, JetStream’s own included', () => {
    const { msg } = fakeMsg('$JS.ACK.S.c.1.1.1.1.0');
    msg.headers?.append('Chainmail-Events', 'RunStarted,StepStarted');
    msg.headers?.append('Nats-Msg-Id', 'cmd-1');
    msg.headers?.append('Nats-Msg-Id', 'cmd-2');
    const m = new DeliveredMessage(msg, 'runs.r1');
    expect(m.headers).toEqual({
      traceparent: 'tp',
      'Chainmail-Events': 'RunStarted,StepStarted',
      'Nats-Msg-Id': 'cmd-1',
    });
    expect(m.headers).toBe(m.headers);
  });

  it('reads the newer ack subject with domain and account hash', () => {
    const { msg } = fakeMsg('$JS.ACK.hub.ACCHASH.RUN_EVENTS.projector.1.7.7.1700000000000000000.0.xyz');
    const m = new DeliveredMessage(msg, 'runs.r1');
    expect(m.seq).toBe(7);
    expect(m.redeliveryCount).toBe(0);
  });

  it('acks, naks with a delay in nanoseconds, signals progress and terminates', () => {
    const { msg, replies } = fakeMsg('$JS.ACK.S.c.1.1.1.1.0');
    const m = new DeliveredMessage(msg, 'runs.r1');
    m.working();
    m.nak(250);
    m.nak();
    m.ack();
    m.term();
    expect(replies).toEqual(['+WPI', '-NAK {"delay":250000000}', '-NAK', '+ACK', '+TERM']);
  });

  it('swallows a reply on a closed connection (the server redelivers)', () => {
    const { msg } = fakeMsg('$JS.ACK.S.c.1.1.1.1.0');
    (msg as { respond: () => boolean }).respond = () => {
      throw new Error('CONNECTION_CLOSED');
    };
    expect(() => new DeliveredMessage(msg, 'runs.r1').ack()).not.toThrow();
  });
});
