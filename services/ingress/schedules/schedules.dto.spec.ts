import { DefinitionCatalog } from '@chainmail/catalog';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { scheduleKeys, toScheduleSummaries } from './schedules.dto';

const NOW = Date.parse('2030-01-10T12:00:00Z');

function catalogOf(...sources: string[]): DefinitionCatalog {
  const catalog = new DefinitionCatalog();
  sources.forEach((source, i) => {
    const parsed = parseWorkflow(source);
    if (!parsed.ok) throw new Error(parsed.errors[0].message);
    const name = parsed.definition.name;
    catalog.apply(i + 1, {
      type: 'WorkflowPublished',
      v: 1,
      at: '2030-01-01T00:00:00.000Z',
      data: {
        name,
        version: (catalog.get(name)?.versions.length ?? 0) + 1,
        source,
        definition: parsed.definition,
        publishedBy: 'test',
        owner: 'team',
      },
    });
  });
  return catalog;
}

const DIGEST = `name: daily-news-digest
trigger: { type: schedule, cron: "0 7 * * *", timezone: Europe/Berlin }
steps:
  - { id: research, agent: research@ }
  - { id: summarize, agent: summarize@ }
output: { format: email, to: me@example.com }
`;
const WEEKLY = `name: weekly-competitor-update
triggers:
  - webhook weekly
  - { type: schedule, cron: "0 9 * * 1", timezone: Europe/Berlin, catch_up: last }
  - { type: schedule, cron: "30 8 * * 1-5" }
steps:
  - { id: research, agent: research@ }
  - { id: analyze, agent: summarize@ }
`;
const MAIL_ONLY = `name: competitor-analysis
trigger: email to competitor-intel@
steps:
  - { id: research, agent: research@ }
`;

describe('GET /v1/schedules listing', () => {
  it('lists each schedule of each active version: cron in words, steps, next run (in its zone), last run', () => {
    const catalog = catalogOf(DIGEST, WEEKLY, MAIL_ONLY);
    expect(scheduleKeys(catalog.list())).toEqual([
      { workflow: 'daily-news-digest', triggerKey: '0' },
      { workflow: 'weekly-competitor-update', triggerKey: '0' },
      { workflow: 'weekly-competitor-update', triggerKey: '1' },
    ]);
    const summaries = toScheduleSummaries(
      catalog.list(),
      [
        {
          workflow: 'daily-news-digest',
          triggerKey: '0',
          scheduledFor: '2030-01-10T06:00:00.000Z',
          firedAt: '2030-01-10T06:00:00.004Z',
          runId: 'run-1',
          version: 1,
          status: 'succeeded',
          endedAt: '2030-01-10T06:00:03.000Z',
        },
      ],
      NOW,
    );
    expect(summaries).toEqual([
      {
        id: 'daily-news-digest:0',
        name: 'daily-news-digest',
        owner: 'team',
        version: 1,
        schedule: '0',
        cron: '0 7 * * *',
        timezone: 'Europe/Berlin',
        description: 'Every day at 7:00',
        catchUp: 'none',
        steps: ['research', 'summarize'],
        output: 'email',
        paused: false,
        pausedChange: null,
        nextRunAt: '2030-01-11T06:00:00.000Z', // 7:00 in Berlin (CET)
        lastRun: {
          runId: 'run-1',
          scheduledFor: '2030-01-10T06:00:00.000Z',
          firedAt: '2030-01-10T06:00:00.004Z',
          status: 'succeeded',
          endedAt: '2030-01-10T06:00:03.000Z',
        },
      },
      expect.objectContaining({
        name: 'weekly-competitor-update',
        schedule: '0',
        description: 'Mondays at 9:00',
        catchUp: 'last',
        steps: ['research', 'analyze'],
        nextRunAt: '2030-01-14T08:00:00.000Z',
        lastRun: null,
      }),
      expect.objectContaining({
        name: 'weekly-competitor-update',
        schedule: '1',
        timezone: 'UTC',
        description: 'Weekdays at 8:30',
        nextRunAt: '2030-01-11T08:30:00.000Z',
      }),
    ]);
  });

  it('shows a paused schedule as paused, with who paused it and when', () => {
    const catalog = catalogOf(WEEKLY);
    catalog.apply(2, {
      type: 'SchedulePaused',
      v: 1,
      at: '2030-01-09T10:00:00.000Z',
      data: { name: 'weekly-competitor-update', schedule: '1', by: 'usr_ann' },
    });
    const summaries = toScheduleSummaries(catalog.list(), [], NOW);
    expect(summaries.map((s) => [s.id, s.paused, s.pausedChange])).toEqual([
      ['weekly-competitor-update:0', false, null],
      ['weekly-competitor-update:1', true, { at: '2030-01-09T10:00:00.000Z', by: 'usr_ann' }],
    ]);
    catalog.apply(3, {
      type: 'ScheduleResumed',
      v: 1,
      at: '2030-01-09T11:00:00.000Z',
      data: { name: 'weekly-competitor-update', schedule: '1', by: 'usr_bob' },
    });
    expect(toScheduleSummaries(catalog.list(), [], NOW)[1]).toMatchObject({
      paused: false,
      pausedChange: { at: '2030-01-09T11:00:00.000Z', by: 'usr_bob' },
    });
  });

  it('shows a stored schedule that cannot fire with its problem, and no next run', () => {
    const catalog = catalogOf(DIGEST);
    const trigger = catalog.get('daily-news-digest')?.versions[0].definition.triggers[0];
    if (trigger?.type === 'schedule') trigger.cron = '0 7 31 2 *';
    const [summary] = toScheduleSummaries(catalog.list(), [], NOW);
    expect(summary).toMatchObject({ nextRunAt: null, problem: expect.stringContaining('never fires') });
  });
});
