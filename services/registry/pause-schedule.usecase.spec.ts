import { DefinitionCatalog } from '@chainmail/catalog';
import type { DefinitionEvent } from '@chainmail/contracts';
import { PauseSchedule } from './pause-schedule.usecase';
import { PublishWorkflow, type DefinitionAppender } from './publish-workflow.usecase';

const DIGEST = `name: digest
trigger: { type: schedule, cron: "0 7 * * *" }
steps:
  - { id: research, agent: echo@ }
`;

/** A DEFINITION_EVENTS stand-in that feeds the catalog as the real stream would. */
function setup(): {
  pausing: PauseSchedule;
  publish: PublishWorkflow;
  appended: DefinitionEvent[];
  catalog: DefinitionCatalog;
} {
  const catalog = new DefinitionCatalog();
  const appended: DefinitionEvent[] = [];
  const log: DefinitionAppender = {
    append: async (_name, event) => {
      appended.push(event);
      catalog.apply(appended.length, event);
      return { seq: appended.length };
    },
    lastSequenceOf: async () => appended.length,
    isConflict: () => false,
  };
  return {
    pausing: new PauseSchedule(catalog, log, () => Date.parse('2030-01-01T08:00:00.000Z')),
    publish: new PublishWorkflow(catalog, log, () => true, 1_000_000),
    appended,
    catalog,
  };
}

describe('pausing and resuming a schedule', () => {
  it('appends the fact once per change, and the catalog folds it', async () => {
    const { pausing, publish, appended, catalog } = setup();
    await publish.execute({ source: DIGEST, contentType: 'yaml', publishedBy: 'u', owner: 'user:u' });

    const paused = await pausing.execute({ name: 'digest', schedule: '0', paused: true, by: 'u' });
    expect(paused).toEqual({ name: 'digest', schedule: '0', paused: true, seq: 2 });
    expect(appended[1]).toEqual({
      type: 'SchedulePaused',
      v: 1,
      at: '2030-01-01T08:00:00.000Z',
      data: { name: 'digest', schedule: '0', by: 'u' },
    });
    expect(catalog.get('digest')?.scheduleStates['0']).toEqual({
      paused: true,
      since: '2030-01-01T08:00:00.000Z',
      by: 'u',
    });

    // Pausing what is paused appends nothing.
    expect(await pausing.execute({ name: 'digest', schedule: '0', paused: true, by: 'u' })).toMatchObject({
      seq: 2,
    });
    await pausing.execute({ name: 'digest', schedule: '0', paused: false, by: 'v' });
    expect(appended.map((e) => e.type)).toEqual(['WorkflowPublished', 'SchedulePaused', 'ScheduleResumed']);
    expect(catalog.get('digest')?.scheduleStates['0']?.paused).toBe(false);
  });

  it('refuses a workflow that is not there', async () => {
    const { pausing } = setup();
    await expect(
      pausing.execute({ name: 'nope', schedule: '0', paused: true, by: 'u' }),
    ).rejects.toMatchObject({
      code: 'WORKFLOW_NOT_FOUND',
    });
  });
});
