import { DefinitionCatalog } from '@chainmail/catalog';
import { pauseSchedule, publish, rollback, scheduledWorkflow } from './schedule.fixture';
import { scheduleSpecs, scheduledInputs } from './schedule-specs';

describe('scheduleSpecs', () => {
  let catalog: DefinitionCatalog;
  beforeEach(() => {
    catalog = new DefinitionCatalog();
  });

  it('reads each schedule trigger of the active version, keyed by its place among schedules', () => {
    const at = new Date('2025-01-10T12:00:00Z');
    publish(
      [catalog],
      scheduledWorkflow(
        'digest',
        '[email to digest@, { type: schedule, cron: "0 7 * * *", timezone: Europe/Berlin, inputs: { topic: news } }, { type: schedule, cron: "*/15 * * * *", catch_up: last }]',
        'inputs: [{ name: topic, default: tech }, { name: depth, type: number, default: 2 }]',
      ),
      at,
    );
    publish([catalog], scheduledWorkflow('mail-only', '[email to mail-only@]'));
    const { specs, unusable } = scheduleSpecs(catalog.list());
    expect(unusable).toEqual([]);
    expect(
      specs.map(
        ({ workflow, version, owner, triggerKey, cron, timezone, catchUp, inputs, activeSinceMs }) => ({
          workflow,
          version,
          owner,
          triggerKey,
          cron,
          timezone,
          catchUp,
          inputs,
          activeSinceMs,
        }),
      ),
    ).toEqual([
      {
        workflow: 'digest',
        version: 1,
        owner: 'team',
        triggerKey: '0',
        cron: '0 7 * * *',
        timezone: 'Europe/Berlin',
        catchUp: 'none',
        inputs: { topic: 'news', depth: 2 },
        activeSinceMs: at.getTime(),
      },
      {
        workflow: 'digest',
        version: 1,
        owner: 'team',
        triggerKey: '1',
        cron: '*/15 * * * *',
        timezone: 'UTC',
        catchUp: 'last',
        inputs: { topic: 'tech', depth: 2 },
        activeSinceMs: at.getTime(),
      },
    ]);
  });

  it('follows the active version: a publish and a rollback change the schedule and its fingerprint', () => {
    publish(
      [catalog],
      scheduledWorkflow('digest', '[{ type: schedule, cron: "0 7 * * *" }]'),
      new Date(1_000),
    );
    const v1 = scheduleSpecs(catalog.list()).specs[0];
    publish(
      [catalog],
      scheduledWorkflow('digest', '[{ type: schedule, cron: "0 9 * * 1" }]'),
      new Date(2_000),
    );
    const v2 = scheduleSpecs(catalog.list()).specs[0];
    expect([v2.version, v2.cron, v2.activeSinceMs]).toEqual([2, '0 9 * * 1', 2_000]);
    expect(v2.fingerprint).not.toBe(v1.fingerprint);
    rollback([catalog], 'digest', 1, new Date(3_000));
    const back = scheduleSpecs(catalog.list()).specs[0];
    expect([back.version, back.cron, back.activeSinceMs]).toEqual([1, '0 7 * * *', 3_000]);
    publish([catalog], scheduledWorkflow('digest', '[email to digest@]'), new Date(4_000));
    expect(scheduleSpecs(catalog.list()).specs).toEqual([]);
  });

  it('leaves a paused schedule out, on every version, and counts a resumed one from its resume', () => {
    const triggers = '[{ type: schedule, cron: "0 7 * * *" }, { type: schedule, cron: "0 9 * * 1" }]';
    publish([catalog], scheduledWorkflow('digest', triggers), new Date(1_000));
    pauseSchedule([catalog], 'digest', '0', true, new Date(2_000));
    expect(scheduleSpecs(catalog.list()).specs.map((s) => s.triggerKey)).toEqual(['1']);
    publish([catalog], scheduledWorkflow('digest', triggers, 'description: v2'), new Date(3_000));
    expect(scheduleSpecs(catalog.list()).specs.map((s) => s.triggerKey)).toEqual(['1']);
    pauseSchedule([catalog], 'digest', '0', false, new Date(5_000));
    const [resumed, other] = scheduleSpecs(catalog.list()).specs;
    expect([resumed.triggerKey, resumed.activeSinceMs]).toEqual(['0', 5_000]);
    expect([other.triggerKey, other.activeSinceMs]).toEqual(['1', 3_000]);
  });

  it('reports a cron this library cannot read instead of firing it', () => {
    publish([catalog], scheduledWorkflow('digest', '[{ type: schedule, cron: "0 7 * * *" }]'));
    // A definition stored before cron was validated.
    const entry = catalog.get('digest');
    const trigger = entry?.versions[0].definition.triggers[0];
    if (trigger?.type === 'schedule') trigger.cron = '0 7 31 2 *';
    const { specs, unusable } = scheduleSpecs(catalog.list());
    expect(specs).toEqual([]);
    expect(unusable).toEqual([
      { workflow: 'digest', triggerKey: '0', reason: expect.stringContaining('never fires') },
    ]);
  });
});

describe('scheduledInputs', () => {
  it('fills declared defaults under the trigger’s inputs', () => {
    expect(
      scheduledInputs(
        [
          { name: 'topic', type: 'string', required: false, default: 'tech' },
          { name: 'to', type: 'string', required: true },
        ],
        { to: 'me@example.com' },
      ),
    ).toEqual({ topic: 'tech', to: 'me@example.com' });
  });
});
