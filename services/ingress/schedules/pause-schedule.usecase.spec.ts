import { DefinitionCatalog } from '@chainmail/catalog';
import type { Actor } from '@chainmail/contracts';
import { parseWorkflow } from '@chainmail/workflow-dsl';
import { PauseScheduleUseCase } from './pause-schedule.usecase';

const TWO = `name: weekly
triggers:
  - { type: schedule, cron: "0 9 * * 1" }
  - { type: schedule, cron: "30 8 * * 1-5" }
steps:
  - { id: research, agent: research@ }
`;
const ONE = `name: digest
trigger: { type: schedule, cron: "0 7 * * *" }
steps:
  - { id: research, agent: research@ }
`;
const NONE = `name: mailed
trigger: email to mailed@
steps:
  - { id: research, agent: research@ }
`;

const actor = (userId: string, teams: Actor['teams'] = []): Actor => ({
  userId,
  name: userId,
  admin: false,
  teams,
  scopes: ['read', 'run', 'write'],
  tokenId: null,
  via: 'token',
  expiresAt: null,
});

function setup(): { cases: PauseScheduleUseCase; asked: unknown[]; audited: string[] } {
  const catalog = new DefinitionCatalog();
  [TWO, ONE, NONE].forEach((source, i) => {
    const parsed = parseWorkflow(source);
    if (!parsed.ok) throw new Error(parsed.errors[0].message);
    catalog.apply(i + 1, {
      type: 'WorkflowPublished',
      v: 1,
      at: '2030-01-01T00:00:00.000Z',
      data: {
        name: parsed.definition.name,
        version: 1,
        source,
        definition: parsed.definition,
        publishedBy: 'ann',
        owner: parsed.definition.name === 'weekly' ? 'team:red' : 'user:ann',
      },
    });
  });
  const asked: unknown[] = [];
  const audited: string[] = [];
  const registry = {
    request: async <T>(_subject: string, payload: unknown): Promise<T> => {
      asked.push(payload);
      const { name, schedule, paused } = payload as { name: string; schedule: string; paused: boolean };
      return { name, schedule, paused, seq: 0 } as T;
    },
  };
  const audit = {
    record: async (_actor: unknown, action: string, target: { id: string }) => {
      audited.push(`${action} ${target.id}`);
      return {} as never;
    },
  };
  return { cases: new PauseScheduleUseCase(registry, catalog, audit), asked, audited };
}

describe('pausing a schedule by its id', () => {
  it('takes WORKFLOW:N, or the workflow alone when it has one schedule, and records who did it', async () => {
    const { cases, asked, audited } = setup();
    const editor = actor('bob', [{ teamId: 'red', role: 'editor' }]);
    expect(await cases.execute(editor, 'weekly:1', true)).toEqual({
      name: 'weekly',
      schedule: '1',
      paused: true,
    });
    expect(await cases.execute(actor('ann'), 'digest', false)).toMatchObject({ schedule: '0' });
    expect(asked).toEqual([
      { name: 'weekly', schedule: '1', paused: true, by: 'bob' },
      { name: 'digest', schedule: '0', paused: false, by: 'ann' },
    ]);
    expect(audited).toEqual(['schedule.paused weekly:1', 'schedule.resumed digest:0']);
  });

  it('says which schedules there are when the id names none', async () => {
    const { cases, asked } = setup();
    const ann = actor('ann', [{ teamId: 'red', role: 'owner' }]);
    await expect(cases.execute(ann, 'weekly', true)).rejects.toMatchObject({
      code: 'SCHEDULE_NOT_FOUND',
      message: 'Workflow "weekly" has 2 schedules: name one of "weekly:0", "weekly:1".',
    });
    await expect(cases.execute(ann, 'weekly:2', true)).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    await expect(cases.execute(ann, 'weekly:x', true)).rejects.toMatchObject({ code: 'SCHEDULE_NOT_FOUND' });
    await expect(cases.execute(ann, 'mailed', true)).rejects.toMatchObject({
      message: 'Workflow "mailed" has no schedule trigger in its active version.',
    });
    expect(asked).toEqual([]);
  });

  it('is 404 to who does not see the workflow and 403 to a runner', async () => {
    const { cases, asked } = setup();
    await expect(cases.execute(actor('eve'), 'digest', true)).rejects.toMatchObject({
      code: 'WORKFLOW_NOT_FOUND',
    });
    const runner = actor('rob', [{ teamId: 'red', role: 'runner' }]);
    await expect(cases.execute(runner, 'weekly:0', true)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(asked).toEqual([]);
  });
});
