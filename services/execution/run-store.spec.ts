import type { RunCommit, StoredRunCommit } from '@chainmail/contracts';
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

describe('RunStore', () => {
  it('keeps the run it appended to, for the next step to use without reading the log', async () => {
    const log = new HeldLog();
    const runs = new RunStore(log);
    const appended = runs.append(runs.unstarted('r1'), [started], 'm1');
    log.ack();
    await appended;
    expect(runs.isCached('r1')).toBe(true);
  });

  it('takes the state the delivery of its own commit folded, when that beat the ack', async () => {
    const log = new HeldLog();
    const runs = new RunStore(log);
    const appended = runs.append(runs.unstarted('r1'), [started], 'm1');
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
    const appended = runs.append(runs.unstarted('r1'), [started], 'm1');
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
