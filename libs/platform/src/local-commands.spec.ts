import type { StartRun } from '@chainmail/contracts';
import { LocalCommands } from './local-commands';

const start = (runId: string): StartRun => ({
  type: 'StartRun',
  commandId: `start:${runId}`,
  runId,
  workflow: 'flow',
  version: 1,
  inputs: {},
  trigger: { kind: 'api' },
  owner: 'default',
  actor: 'ann',
  debug: false,
});

describe('LocalCommands', () => {
  it('answers undefined while nobody serves in this process, so the command goes through the stream', async () => {
    const local = new LocalCommands();
    expect(local.serving).toBe(false);
    expect(await local.decide(start('r1'))).toBeUndefined();
  });

  it('hands a command and its headers to the handler and answers what it decided', async () => {
    const local = new LocalCommands();
    const seen: [string, Record<string, string>][] = [];
    local.serve(async (command, headers) => {
      seen.push([command.runId, headers]);
      return { duplicate: command.runId === 'again' };
    }, 4);
    expect(await local.decide(start('r1'), { traceparent: 't' })).toEqual({ duplicate: false });
    expect(await local.decide(start('again'))).toEqual({ duplicate: true });
    expect(seen).toEqual([
      ['r1', { traceparent: 't' }],
      ['again', {}],
    ]);
  });

  it('hands no more than its limit at once: the rest go through the stream', async () => {
    const local = new LocalCommands();
    const release: (() => void)[] = [];
    local.serve(() => new Promise((resolve) => release.push(() => resolve({ duplicate: false }))), 2);
    const first = local.decide(start('a'));
    const second = local.decide(start('b'));
    expect(await local.decide(start('c'))).toBeUndefined();
    release.forEach((r) => r());
    expect(await Promise.all([first, second])).toEqual([{ duplicate: false }, { duplicate: false }]);
    // Room again once they are done.
    const fourth = local.decide(start('d'));
    release[2]();
    expect(await fourth).toEqual({ duplicate: false });
  });

  it('answers undefined when the handler fails, so the stream decides the command after all', async () => {
    const local = new LocalCommands();
    local.serve(() => Promise.reject(new Error('log unavailable')), 4);
    expect(await local.decide(start('r1'))).toBeUndefined();
  });

  it('stops serving when told, and a later server is not stopped by an earlier one', async () => {
    const local = new LocalCommands();
    const stopFirst = local.serve(async () => ({ duplicate: false }), 4);
    stopFirst();
    expect(await local.decide(start('r1'))).toBeUndefined();
    local.serve(async () => ({ duplicate: true }), 4);
    stopFirst();
    expect(await local.decide(start('r2'))).toEqual({ duplicate: true });
  });
});
