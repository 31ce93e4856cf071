import { cli, TEST_NOW } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';
import { whenIn } from './schedules';

// TEST_NOW is 2025-03-01T12:00:00Z, a Saturday.
const SCHEDULES = {
  schedules: [
    {
      id: 'daily-news-digest:0',
      name: 'daily-news-digest',
      version: 1,
      schedule: '0',
      cron: '0 7 * * *',
      timezone: 'Europe/Berlin',
      description: 'Every day at 7:00',
      catchUp: 'none',
      steps: ['research', 'summarize'],
      output: 'email',
      paused: false,
      nextRunAt: '2025-03-02T06:00:00.000Z',
      lastRun: {
        runId: 'run-7',
        scheduledFor: '2025-03-01T06:00:00.000Z',
        firedAt: '2025-03-01T06:00:00.004Z',
        status: 'succeeded',
        endedAt: '2025-03-01T06:00:41.000Z',
      },
    },
    {
      id: 'weekly-competitor-update:0',
      name: 'weekly-competitor-update',
      version: 2,
      schedule: '0',
      cron: '0 9 * * 1',
      timezone: 'UTC',
      description: 'Mondays at 9:00',
      catchUp: 'last',
      steps: ['research', 'analyze', 'report'],
      output: 'none',
      paused: false,
      nextRunAt: '2025-03-03T09:00:00.000Z',
      lastRun: null,
    },
  ],
};

describe('chainmail schedules', () => {
  let api: FakeApiServer;
  let body: unknown;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });

  beforeEach(async () => {
    body = SCHEDULES;
    api = await FakeApiServer.start({ 'GET /v1/schedules': (_req, res) => sendJson(res, 200, body) });
  });
  afterEach(async () => {
    await api.close();
  });

  it('prints the Scheduled Workflows panel: schedule in words, steps, next and last run in the schedule’s zone', async () => {
    const result = await run(['schedules']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toBe(
      [
        'Scheduled Workflows',
        '',
        '📅 daily-news-digest  daily-news-digest:0',
        '   Schedule: Every day at 7:00 (Europe/Berlin)',
        '   Steps:    research → summarize → email',
        '   Next run: Tomorrow, 7:00',
        '   Last run: Today, 7:00 (succeeded)  run run-7',
        '',
        '📅 weekly-competitor-update  weekly-competitor-update:0',
        '   Schedule: Mondays at 9:00 (UTC)',
        '   Steps:    research → analyze → report',
        '   Next run: Monday, 9:00',
        '   Last run: not yet',
        '',
      ].join('\n'),
    );
  });

  it('--json prints the API response', async () => {
    const result = await run(['schedules', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(SCHEDULES);
  });

  it('says how to add a schedule when there is none', async () => {
    body = { schedules: [] };
    const result = await run(['schedules']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('No scheduled workflows');
    expect(result.stdout).toContain('type: schedule');
  });

  it('shows a schedule that cannot fire', async () => {
    body = {
      schedules: [{ ...SCHEDULES.schedules[1], cron: '0 7 31 2 *', nextRunAt: null, problem: 'never fires' }],
    };
    const result = await run(['schedules']);
    expect(result.stdout).toContain('Schedule: 0 7 31 2 * cannot fire: never fires');
    expect(result.stdout).toContain('Next run: -');
  });

  it('shows a paused schedule as paused, with no next run', async () => {
    body = { schedules: [{ ...SCHEDULES.schedules[1], paused: true }] };
    const result = await run(['schedules']);
    expect(result.stdout).toContain('📅 weekly-competitor-update (paused)  weekly-competitor-update:0');
    expect(result.stdout).toContain('Next run: none while paused');
  });

  it('schedules pause|resume ID ask the API and say what they did', async () => {
    const answer = (paused: boolean) => (_req: unknown, res: Parameters<typeof sendJson>[0]) =>
      sendJson(res, 200, { id: 'daily-news-digest:0', name: 'daily-news-digest', schedule: '0', paused });
    await api.close();
    api = await FakeApiServer.start({
      'POST /v1/schedules/daily-news-digest/pause': answer(true),
      'POST /v1/schedules/daily-news-digest%3A0/resume': answer(false),
    });
    const paused = await run(['schedules', 'pause', 'daily-news-digest']);
    expect(paused).toMatchObject({ code: 0, stdout: 'daily-news-digest:0: paused\n' });
    const resumed = await run(['schedules', 'resume', 'daily-news-digest:0']);
    expect(resumed).toMatchObject({ code: 0, stdout: 'daily-news-digest:0: resumed\n' });
    expect(api.last('POST', '/v1/schedules/daily-news-digest/pause')).toBeDefined();
  });

  it('a schedule that is not there is a clear error', async () => {
    await api.close();
    api = await FakeApiServer.start({
      'POST /v1/schedules/nope/pause': (_req, res) =>
        sendJson(res, 404, {
          error: { code: 'WORKFLOW_NOT_FOUND', message: 'No workflow is named "nope".', details: {} },
        }),
    });
    const result = await run(['schedules', 'pause', 'nope']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('No workflow is named "nope".');
  });

  it('fails on a response it cannot read', async () => {
    body = { nope: true };
    const result = await run(['schedules']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('schedules');
  });
});

describe('whenIn', () => {
  it('reads the time in the given zone, relative to now there', () => {
    const now = new Date('2025-03-01T23:30:00Z'); // already Sunday 00:30 in Berlin
    expect(whenIn('2025-03-02T06:00:00Z', 'Europe/Berlin', now)).toBe('Today, 7:00');
    expect(whenIn('2025-03-02T06:00:00Z', 'UTC', now)).toBe('Tomorrow, 6:00');
    expect(whenIn('2025-02-28T06:00:00Z', 'UTC', now)).toBe('Yesterday, 6:00');
    expect(whenIn('2025-03-05T08:00:00Z', 'UTC', now)).toBe('Wednesday, 8:00');
    expect(whenIn('2025-04-01T08:00:02Z', 'UTC', now)).toBe('1 Apr 2025, 8:00:02');
    expect(whenIn('2025-03-02T06:00:00Z', 'Not/AZone', now)).toBe('Tomorrow, 6:00');
    expect(TEST_NOW.toISOString()).toBe('2025-03-01T12:00:00.000Z');
  });
});
