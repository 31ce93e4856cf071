import { CronSchedule } from '@chainmail/workflow-dsl';
import type { ScheduleSpec } from './schedule-specs';
import { scheduledStartRun, tickRunId } from './scheduled-run';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const tick = Date.parse('2025-01-10T06:00:00Z');

describe('tickRunId', () => {
  it('is the same for the same tick, on any replica', () => {
    expect(tickRunId('digest', '0', tick)).toBe(tickRunId('digest', '0', tick));
    expect(tickRunId('digest', '0', tick)).toMatch(UUID);
  });

  it('differs by workflow, schedule and time', () => {
    const ids = new Set([
      tickRunId('digest', '0', tick),
      tickRunId('digest', '1', tick),
      tickRunId('digest', '0', tick + 60_000),
      tickRunId('digest0', '', tick),
      tickRunId('other', '0', tick),
    ]);
    expect(ids.size).toBe(5);
  });
});

describe('scheduledStartRun', () => {
  it('starts the active version with the schedule’s inputs and says which tick it is', () => {
    const parsed = CronSchedule.parse('0 7 * * *', 'Europe/Berlin');
    if (!parsed.ok) throw new Error(parsed.reason);
    const spec: ScheduleSpec = {
      workflow: 'daily-news-digest',
      version: 3,
      owner: 'default',
      triggerKey: '0',
      cron: '0 7 * * *',
      timezone: 'Europe/Berlin',
      catchUp: 'none',
      inputs: { topic: 'AI agents' },
      activeSinceMs: 0,
      schedule: parsed.schedule,
      fingerprint: 'x',
    };
    const runId = tickRunId('daily-news-digest', '0', tick);
    expect(scheduledStartRun(spec, tick)).toEqual({
      type: 'StartRun',
      commandId: `start:${runId}`,
      runId,
      workflow: 'daily-news-digest',
      version: 3,
      inputs: { topic: 'AI agents' },
      trigger: {
        kind: 'schedule',
        details: {
          workflow: 'daily-news-digest',
          cron: '0 7 * * *',
          timezone: 'Europe/Berlin',
          scheduledFor: '2025-01-10T06:00:00.000Z',
          schedule: '0',
        },
      },
      owner: 'default',
      actor: 'schedule',
      debug: false,
    });
  });
});
