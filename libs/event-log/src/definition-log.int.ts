import type { DefinitionEvent } from '@chainmail/contracts';
import { isolatedEventLog, type IsolatedEventLog } from '@chainmail/testing';
import { AppendConflict } from './append-conflict';
import { DefinitionLog } from './definition-log';

const rolledBack = (name: string, toVersion: number): DefinitionEvent => ({
  type: 'WorkflowRolledBack',
  v: 1,
  at: '2024-01-01T00:00:00.000Z',
  data: { name, fromVersion: toVersion + 1, toVersion, by: 'tester' },
});

describe('DefinitionLog', () => {
  let env: IsolatedEventLog;
  let log: DefinitionLog;

  beforeAll(async () => {
    env = await isolatedEventLog();
    log = new DefinitionLog(env.nc, env.names);
  });
  afterAll(() => env.cleanup());

  it('reads an empty log as []', async () => {
    expect(await log.readAll()).toEqual([]);
    expect(await log.lastSequenceOf('alpha')).toBe(0);
  });

  it('appends per name with the expected last sequence and reads the whole log in order', async () => {
    const a1 = await log.append('alpha', rolledBack('alpha', 1), 0);
    const b1 = await log.append('beta', rolledBack('beta', 1), 0);
    const a2 = await log.append('alpha', rolledBack('alpha', 2), a1.seq);
    await expect(log.append('alpha', rolledBack('alpha', 3), a1.seq)).rejects.toBeInstanceOf(AppendConflict);
    await expect(log.append('beta', rolledBack('beta', 3), 0)).rejects.toMatchObject({
      expected: 0,
      actual: b1.seq,
    });

    const all = await log.readAll();
    expect(all.map((e) => e.seq)).toEqual([a1.seq, b1.seq, a2.seq]);
    expect(all.map((e) => (e.event.type === 'WorkflowRolledBack' ? e.event.data.name : ''))).toEqual([
      'alpha',
      'beta',
      'alpha',
    ]);
    expect(await log.lastSequenceOf('alpha')).toBe(a2.seq);
  });

  it('dedupes by message id', async () => {
    const first = await log.append('gamma', rolledBack('gamma', 1), 0, 'gamma-1');
    expect(await log.append('gamma', rolledBack('gamma', 1), 0, 'gamma-1')).toEqual({
      seq: first.seq,
      duplicate: true,
    });
  });

  it('follows new events from a sequence until aborted', async () => {
    const last = (await log.readAll()).at(-1)?.seq ?? 0;
    const controller = new AbortController();
    const seen: number[] = [];
    const following = (async () => {
      for await (const { seq } of log.follow(last + 1, controller.signal)) {
        seen.push(seq);
        if (seen.length === 2) controller.abort();
      }
    })();
    const d1 = await log.append('delta', rolledBack('delta', 1), 0);
    const d2 = await log.append('delta', rolledBack('delta', 2), d1.seq);
    await following;
    expect(seen).toEqual([d1.seq, d2.seq]);
  });

  it('appends agent events on their own subject per address, in the same stream and order', async () => {
    const registered = (address: string): DefinitionEvent => ({
      type: 'AgentRegistered',
      v: 1,
      at: '2024-01-01T00:00:00.000Z',
      data: {
        address,
        kind: 'http',
        description: 'x',
        config: { url: 'https://a.example' },
        owner: 'o',
        by: 't',
      },
    });
    expect(await log.lastSequenceOfAgent('research@mail-to-ai.com')).toBe(0);
    const a1 = await log.appendAgent('research@mail-to-ai.com', registered('research@mail-to-ai.com'), 0);
    const r1 = await log.appendAgent('research@', registered('research@'), 0);
    await expect(
      log.appendAgent('research@mail-to-ai.com', registered('research@mail-to-ai.com'), 0),
    ).rejects.toBeInstanceOf(AppendConflict);
    expect(await log.lastSequenceOfAgent('research@mail-to-ai.com')).toBe(a1.seq);
    expect(await log.lastSequenceOfAgent('research@')).toBe(r1.seq);
    // A workflow of a similar name is another subject.
    expect(await log.lastSequenceOf('research')).toBe(0);
    const tail = (await log.readAll()).slice(-2);
    expect(tail.map((e) => [e.seq, e.event.type])).toEqual([
      [a1.seq, 'AgentRegistered'],
      [r1.seq, 'AgentRegistered'],
    ]);
  });
});
