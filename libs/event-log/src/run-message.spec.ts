import { makeRunEvent, type RunCommit } from '@chainmail/contracts';
import type { ConsumedMessage } from './consumed-message';
import { decodeRunCommit } from './run-log';
import { decodeRunMessage } from './run-message';

const encoder = new TextEncoder();

function message(
  subject: string,
  seq: number,
  payload: unknown,
  headers: Record<string, string> = {},
): ConsumedMessage {
  const data = encoder.encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return {
    subject,
    seq,
    data,
    headers,
    redeliveryCount: 0,
    json: <T>() => JSON.parse(new TextDecoder().decode(data)) as T,
    working: () => undefined,
  };
}

const commit: RunCommit = {
  runId: 'r1',
  prev: 4,
  events: [makeRunEvent('RunSucceeded', 'r1', '2030-01-01T00:00:00.000Z', { output: 'x', durationMs: 5 })],
};

describe('decodeRunMessage', () => {
  it('reads the commit and takes its seq from the stream', () => {
    expect(decodeRunMessage(message('runs.r1', 42, commit))).toEqual({
      ok: true,
      commit: { ...commit, seq: 42 },
    });
  });

  it("carries the trace id of the commit's traceparent header, and none for a missing or invalid one", () => {
    const traced = (headers: Record<string, string>) => {
      const decoded = decodeRunMessage(message('runs.r1', 7, commit, headers));
      return decoded.ok ? decoded.commit.traceId : 'not decoded';
    };
    expect(traced({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' })).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traced({ Traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00' })).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
    expect(traced({})).toBeUndefined();
    expect(traced({ traceparent: 'not-a-trace' })).toBeUndefined();
    expect(traced({ traceparent: `00-${'0'.repeat(32)}-00f067aa0ba902b7-01` })).toBeUndefined();
  });

  it('refuses what is not JSON or not a commit', () => {
    expect(decodeRunMessage(message('runs.r1', 1, '{oops'))).toMatchObject({ ok: false, seq: 1 });
    expect(decodeRunMessage(message('runs.r1', 2, { runId: 'r1' }))).toMatchObject({ ok: false, seq: 2 });
  });

  it('refuses a commit on another run subject', () => {
    expect(decodeRunMessage(message('runs.r2', 3, commit))).toMatchObject({
      ok: false,
      reason: 'commit of run r1 found on runs.r2',
    });
  });

  it('refuses events without the envelope every event has', () => {
    const broken = {
      ...commit,
      events: [...commit.events, { type: 'StepStarted', runId: 'r1', at: 'later' }],
    };
    expect(decodeRunMessage(message('runs.r1', 4, broken))).toMatchObject({
      ok: false,
      reason: 'event 1 is not a run event',
    });
  });
});

describe('decodeRunCommit', () => {
  const subject = 'runs.r1';

  it('parses a commit once for all its readers: each gets its own commit, sharing the events', () => {
    const first = decodeRunCommit(encoder.encode(JSON.stringify(commit)), 42, subject);
    const second = decodeRunCommit(encoder.encode(JSON.stringify(commit)), 42, subject);
    expect(second).toEqual({ ...commit, seq: 42 });
    expect(second).not.toBe(first);
    expect(second.events).toBe(first.events);
    expect(Object.isFrozen(first.events) && Object.isFrozen(first.events[0].data)).toBe(true);
    const other = decodeRunCommit(encoder.encode(JSON.stringify({ ...commit, prev: 5 })), 43, subject);
    expect(other).toEqual({ ...commit, prev: 5, seq: 43 });
    expect(other.events).not.toBe(first.events);
  });

  it('shares nothing for a message without its place in the stream, or of another length there', () => {
    const data = encoder.encode(JSON.stringify(commit));
    expect(decodeRunCommit(data, 50).events).not.toBe(decodeRunCommit(data, 50).events);
    const atPlace = decodeRunCommit(data, 51, subject);
    const longer = decodeRunCommit(encoder.encode(JSON.stringify({ ...commit, prev: 12345 })), 51, subject);
    expect(longer.prev).toBe(12345);
    expect(longer.events).not.toBe(atPlace.events);
  });

  it('parses a large commit for each reader, and refuses what is not a commit every time', () => {
    const large = { ...commit, events: [{ ...commit.events[0], data: { output: 'x'.repeat(20_000) } }] };
    const decode = () => decodeRunCommit(encoder.encode(JSON.stringify(large)), 7, subject);
    expect(decode().events).not.toBe(decode().events);
    const notACommit = encoder.encode(JSON.stringify({ runId: 'r1', events: [] }));
    expect(() => decodeRunCommit(notACommit, 8)).toThrow('Stream message 8 is not a run commit.');
    expect(() => decodeRunCommit(notACommit, 8)).toThrow('Stream message 8 is not a run commit.');
  });
});
