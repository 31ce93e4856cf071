import { makeRunEvent, type RunCommit } from '@chainmail/contracts';
import { isolatedEventLog, type IsolatedEventLog } from '@chainmail/testing';
import { AppendConflict } from './append-conflict';
import { EVENTS_HEADER } from './commit-events';
import { RunLog } from './run-log';

const at = '2024-01-01T00:00:00.000Z';
const commit = (runId: string, prev: number, stepId: string): RunCommit => ({
  runId,
  prev,
  events: [makeRunEvent('StepStarted', runId, at, { stepId, visit: 1, attempt: 1 })],
});

describe('RunLog', () => {
  let env: IsolatedEventLog;
  let log: RunLog;

  beforeAll(async () => {
    env = await isolatedEventLog();
    log = new RunLog(env.nc, env.names);
  });
  afterAll(() => env.cleanup());

  it('appends commits and reads them back in order, with their sequences', async () => {
    const a = await log.append(commit('r1', 0, 's1'), 'r1-1');
    const other = await log.append(commit('r1-other', 0, 'x'), 'other-1');
    const b = await log.append(commit('r1', a.seq, 's2'), 'r1-2', { traceparent: '00-abc-def-01' });
    const c = await log.append(commit('r1', b.seq, 's3'), 'r1-3');
    expect([a.duplicate, b.duplicate, c.duplicate]).toEqual([false, false, false]);
    expect(other.seq).toBeGreaterThan(a.seq);

    const commits = await log.read('r1');
    expect(commits.map((x) => x.seq)).toEqual([a.seq, b.seq, c.seq]);
    expect(commits.map((x) => x.prev)).toEqual([0, a.seq, b.seq]);
    expect(commits.map((x) => (x.events[0].data as { stepId: string }).stepId)).toEqual(['s1', 's2', 's3']);
    expect(await log.lastSequence('r1')).toBe(c.seq);
  });

  it("carries the commit's event types in a header, so consumers can skip it unparsed", async () => {
    const events = [
      makeRunEvent('StepSucceeded', 'hdr', at, {
        stepId: 'a',
        visit: 1,
        attempt: 1,
        output: 'x',
        durationMs: 1,
      }),
      makeRunEvent('StepStarted', 'hdr', at, { stepId: 'b', visit: 1, attempt: 1 }),
    ];
    const { seq } = await log.append({ runId: 'hdr', prev: 0, events }, 'hdr-1', {
      traceparent: '00-abc-def-01',
    });
    const jsm = await env.nc.jetstreamManager();
    const stored = await jsm.streams.getMessage(env.names.runEventsStream, { seq });
    expect(stored.header.get(EVENTS_HEADER)).toBe('StepSucceeded,StepStarted');
    expect(stored.header.get('traceparent')).toBe('00-abc-def-01');
  });

  it('reads a long run past the message-get walk', async () => {
    let prev = 0;
    const seqs: number[] = [];
    for (let i = 0; i < 25; i++) {
      prev = (await log.append(commit('long', prev, `s${i}`), `long-${i}`)).seq;
      seqs.push(prev);
      await log.append(commit(`noise-${i}`, 0, 'n'), `noise-${i}`);
    }
    const commits = await log.read('long');
    expect(commits.map((x) => x.seq)).toEqual(seqs);
    expect(commits.map((x) => (x.events[0].data as { stepId: string }).stepId)).toEqual(
      Array.from({ length: 25 }, (_, i) => `s${i}`),
    );
  });

  it('returns [] and sequence 0 for an unknown run', async () => {
    expect(await log.read('nobody')).toEqual([]);
    expect(await log.lastSequence('nobody')).toBe(0);
  });

  it('rejects a stale append with AppendConflict', async () => {
    const first = await log.append(commit('r2', 0, 's1'), 'r2-1');
    const second = await log.append(commit('r2', first.seq, 's2'), 'r2-2');
    const stale = log.append(commit('r2', first.seq, 'late'), 'r2-late');
    await expect(stale).rejects.toBeInstanceOf(AppendConflict);
    await expect(stale).rejects.toMatchObject({
      runId: 'r2',
      expected: first.seq,
      actual: second.seq,
      code: 'APPEND_CONFLICT',
    });
    expect((await log.read('r2')).map((x) => x.seq)).toEqual([first.seq, second.seq]);
  });

  it('rejects a first append (prev 0) when the run already has a commit', async () => {
    const first = await log.append(commit('r3', 0, 's1'), 'r3-1');
    await expect(log.append(commit('r3', 0, 'again'), 'r3-again')).rejects.toMatchObject({
      name: 'AppendConflict',
      expected: 0,
      actual: first.seq,
    });
    expect(await log.read('r3')).toHaveLength(1);
  });

  it('stores a repeated message id once', async () => {
    const first = await log.append(commit('r4', 0, 's1'), 'r4-same');
    const again = await log.append(commit('r4', 0, 's1'), 'r4-same');
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ seq: first.seq, duplicate: true });
    expect(await log.read('r4')).toHaveLength(1);
  });

  it('follows a run: existing commits, then live ones, until aborted', async () => {
    const first = await log.append(commit('r5', 0, 's1'), 'r5-1');
    const controller = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const c of log.follow('r5', { signal: controller.signal })) {
        seen.push((c.events[0].data as { stepId: string }).stepId);
        if (seen.length === 2) controller.abort();
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await log.append(commit('r5-noise', 0, 'noise'), 'r5-noise');
    await log.append(commit('r5', first.seq, 's2'), 'r5-2');
    await following;
    expect(seen).toEqual(['s1', 's2']);
  });

  it('follows from a sequence and stops when aborted while waiting', async () => {
    const first = await log.append(commit('r6', 0, 's1'), 'r6-1');
    const second = await log.append(commit('r6', first.seq, 's2'), 'r6-2');
    const controller = new AbortController();
    const seqs: number[] = [];
    const following = (async () => {
      for await (const c of log.follow('r6', { fromSeq: second.seq, signal: controller.signal }))
        seqs.push(c.seq);
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await following;
    expect(seqs).toEqual([second.seq]);
    const jsm = await env.nc.jetstreamManager();
    const left = await jsm.consumers.list(env.names.runEventsStream).next();
    expect(left).toHaveLength(0);
  });
});
