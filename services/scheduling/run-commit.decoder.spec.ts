import { makeRunEvent, type RunCommit } from '@chainmail/contracts';
import type { ConsumedMessage } from '@chainmail/event-log';
import { decodeRunMessage } from './run-commit.decoder';

function message(subject: string, seq: number, payload: unknown): ConsumedMessage {
  const data = new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return {
    subject,
    seq,
    data,
    headers: {},
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
  it('reads the commit with its stream sequence', () => {
    expect(decodeRunMessage(message('runs.r1', 42, commit))).toEqual({
      ok: true,
      commit: { ...commit, seq: 42 },
    });
  });

  it('refuses what is not a commit, a commit on another run subject, and events without data', () => {
    expect(decodeRunMessage(message('runs.r1', 1, '{oops'))).toMatchObject({ ok: false });
    expect(decodeRunMessage(message('runs.r2', 2, commit))).toEqual({
      ok: false,
      reason: 'commit of run r1 found on runs.r2',
    });
    const broken = { ...commit, events: [...commit.events, { type: 'StepStarted', runId: 'r1', at: 'x' }] };
    expect(decodeRunMessage(message('runs.r1', 3, broken))).toEqual({
      ok: false,
      reason: 'event 1 is not a run event',
    });
  });
});
