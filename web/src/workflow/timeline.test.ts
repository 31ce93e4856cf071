import type { RunEvent } from '@chainmail/contracts';
import { describe, expect, it } from 'vitest';
import { describeEvent, statusesAt } from './timeline';

const event = (type: string, data: Record<string, unknown>): RunEvent =>
  ({ type, v: 1, runId: 'r', at: '2026-01-01T00:00:00.000Z', data }) as unknown as RunEvent;

describe('time travel over the event log', () => {
  // One commit may hold many events (instant steps): travel is by event.
  const log = [
    event('RunStarted', {}),
    event('StepStarted', { stepId: 'a', visit: 1, attempt: 1 }),
    event('StepSucceeded', { stepId: 'a', visit: 1, attempt: 1 }),
    event('StepStarted', { stepId: 'b', visit: 1, attempt: 1 }),
    event('StepFailed', { stepId: 'b', visit: 1, attempt: 1, error: { message: 'boom' } }),
    event('StepSkipped', { stepId: 'c', visit: 1, reason: 'needs b' }),
    event('StepsReset', { stepId: 'b', visit: 1, target: 'a', stepIds: ['a', 'b'] }),
  ];

  it('gives each step its status after any event', () => {
    expect(statusesAt(log, 0)).toEqual({});
    expect(statusesAt(log, 1)).toEqual({ a: 'running' });
    expect(statusesAt(log, 3)).toEqual({ a: 'succeeded', b: 'running' });
    expect(statusesAt(log, 5)).toEqual({ a: 'succeeded', b: 'failed', c: 'skipped' });
    expect(statusesAt(log, 6)).toEqual({ c: 'skipped' });
  });

  it('says what happened in words', () => {
    expect(describeEvent(log[4])).toBe('b failed: boom');
    expect(describeEvent(log[5])).toBe('c skipped: needs b');
  });

  it('says what the debugger did', () => {
    expect(describeEvent(event('RunPauseRequested', { by: 'usr_ann' }))).toBe(
      'pause asked by usr_ann: it pauses before its next step',
    );
    expect(describeEvent(event('RunPaused', { stepId: 'b', visit: 1 }))).toBe('paused before b');
    expect(describeEvent(event('RunStepped', { stepId: 'b', visit: 1, input: 'x', by: 'usr_ann' }))).toBe(
      'b stepped by usr_ann, with an edited input',
    );
    expect(describeEvent(event('RunResumed', { stepId: 'c', visit: 1, by: 'usr_ann' }))).toBe(
      'resumed at c by usr_ann',
    );
  });
});

describe('checkpoints waiting for a decision', () => {
  it('are the ones opened and not yet decided, until the run ends', async () => {
    const { openCheckpoints } = await import('./checkpoints');
    const opened = event('CheckpointOpened', { stepId: 'review', visit: 1, message: 'Check it' });
    expect(openCheckpoints([event('RunStarted', {}), opened])).toEqual([
      { stepId: 'review', visit: 1, message: 'Check it' },
    ]);
    const decided = event('CheckpointResolved', { stepId: 'review', visit: 1, action: 'approve', by: 'u' });
    expect(openCheckpoints([opened, decided])).toEqual([]);
    expect(openCheckpoints([opened, event('RunCancelled', { reason: 'x', by: 'u', durationMs: 1 })])).toEqual(
      [],
    );
  });
});
