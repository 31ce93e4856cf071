import type { RunCommit, StoredRunCommit } from '@chainmail/contracts';
import { evolveAll, type Decided, type RunState } from '@chainmail/engine';
import { RunStore, type RunLogPort } from './run-store';

/** A log whose appends are acknowledged when the test says so. */
class HeldLog implements RunLogPort {
  readonly commits: StoredRunCommit[] = [];
  private acks: Array<() => void> = [];

  async read(runId: string): Promise<StoredRunCommit[]> {
    return this.commits.filter((c) => c.runId === runId);
  }

  append(commit: RunCommit): Promise<{ seq: number; duplicate: boolean }> {
    const seq = this.commits.length + 1;
    this.commits.push({ ...commit, seq });
    return new Promise((resolve) => this.acks.push(() => resolve({ seq, duplicate: false })));
  }

  ack(): void {
    for (const ack of this.acks.splice(0)) ack();
  }
}

const started = {
  type: 'RunStarted',
  runId: 'r1',
  at: '2026-01-01T00:00:00.000Z',
  data: { workflow: 'w', version: 1, inputs: {}, trigger: { type: 'api' }, owner: 'usr_a' },
} as never;

/** The start, with the state it leads to (as the decision that made it folded it). */
const start = (state: RunState): Decided => ({ events: [started], state: evolveAll(state, [started]) });

describe('RunStore', () => {
  it('keeps the run it appended to, as the decision folded it, for the next step to use without reading the log', async () => {
    const log = new HeldLog();
    const runs = new RunStore(log);
    const loaded = runs.unstarted('r1');
    const decided = start(loaded.state);
    const appended = runs.append(loaded, decided, 'm1');
    log.ack();
    expect((await appended).state).toBe(decided.state);
    expect(runs.isCached('r1')).toBe(true);
    expect(await runs.load('r1')).toEqual({ state: decided.state, seq: 1 });
  });

  it('takes the state the delivery of its own commit folded, when that beat the ack', async () => {
    const log = new HeldLog();
    const runs = new RunStore(log);
    const appended = runs.append(runs.unstarted('r1'), start(runs.unstarted('r1').state), 'm1');
    const delivered = await runs.observe(log.commits[0]);
    log.ack();
    const next = await appended;
    expect(next.seq).toBe(1);
    expect(next.state).toBe(delivered.state);
    expect(next.state.status).toBe('running');
  });

  it('does not take back a run that was let go while its append waited for the ack', async () => {
    const log = new HeldLog();
    const runs = new RunStore(log);
    const appended = runs.append(runs.unstarted('r1'), start(runs.unstarted('r1').state), 'm1');
    // The delivery of this very commit beat the ack, and its reaction let the run go (it parked).
    runs.forget('r1');
    log.ack();
    const next = await appended;
    expect(next.seq).toBe(1);
    expect(runs.isCached('r1')).toBe(false);
    // The log stays the truth: the next load reads it.
    expect((await runs.load('r1')).seq).toBe(1);
  });
});
