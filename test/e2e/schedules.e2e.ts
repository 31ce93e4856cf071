import { join } from 'node:path';
import { eventually, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * Cron schedules through the built processes: the all-in-one process plus a second scheduling
 * replica in a process of its own, the shipped examples published at start. A 6-field cron (a
 * seconds field, a documented feature) keeps the test to seconds instead of minutes.
 */

interface ScheduleBody {
  name: string;
  cron: string;
  timezone: string;
  description: string;
  steps: string[];
  output: string;
  nextRunAt: string | null;
  lastRun: { runId: string; scheduledFor: string; status: string } | null;
}
interface RunSummary {
  id: string;
  status: string;
  trigger: { kind: string; details?: { scheduledFor?: string; cron?: string } };
}

const HEARTBEAT = `name: heartbeat
trigger: { type: schedule, cron: "*/2 * * * * *", inputs: { topic: pulse } }
inputs:
  - { name: topic, type: string }
steps:
  - { id: research, agent: research@, input: "Research {{inputs.topic}}" }
  - { id: summarize, agent: summarize@, input: "{{research.output}}" }
output: { format: none }
`;

let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one'], { CHAINMAIL_EXAMPLES_DIR: join(ROOT, 'examples') });
  await chainmail.start('scheduling');
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

const schedules = async (): Promise<ScheduleBody[]> => {
  const { status, body } = await http<{ schedules: ScheduleBody[] }>(chainmail.base, 'GET', '/v1/schedules');
  expect(status).toBe(200);
  return body.schedules;
};
const scheduledRuns = async (workflow: string): Promise<RunSummary[]> => {
  const { body } = await http<{ runs: RunSummary[] }>(
    chainmail.base,
    'GET',
    `/v1/runs?workflow=${workflow}&limit=500`,
  );
  return body.runs;
};

it('lists the shipped daily-news-digest: every day at 7:00 in Berlin, research → summarize, by email', async () => {
  const digest = await eventually(
    async () => (await schedules()).find((s) => s.name === 'daily-news-digest'),
    10_000,
    'the example to be published',
  );
  expect(digest).toMatchObject({
    cron: '0 7 * * *',
    timezone: 'Europe/Berlin',
    description: 'Every day at 7:00',
    steps: ['research', 'summarize'],
    output: 'email',
    lastRun: null,
  });
  const next = new Date(digest.nextRunAt ?? '');
  expect(next.getTime()).toBeGreaterThan(Date.now());
  expect(next.getTime() - Date.now()).toBeLessThanOrEqual(25 * 3_600_000);
  const berlin = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/Berlin',
    hour: '2-digit',
    minute: '2-digit',
  });
  expect(berlin.format(next)).toBe('07:00');
});

it('a schedule every 2 seconds fires each tick once across two replicas, is listed with its last status, and stops with a version without it', async () => {
  const published = await http(chainmail.base, 'POST', '/v1/workflows', HEARTBEAT, 'application/yaml');
  expect(published.status).toBe(201);

  const listed = await eventually(
    async () => {
      const heartbeat = (await schedules()).find((s) => s.name === 'heartbeat');
      return heartbeat?.lastRun?.status === 'succeeded' && (await scheduledRuns('heartbeat')).length >= 3
        ? heartbeat
        : undefined;
    },
    15_000,
    'three scheduled runs, the last listed as succeeded',
  );
  expect(listed).toMatchObject({
    description: 'Every 2 seconds',
    steps: ['research', 'summarize'],
    output: 'none',
  });
  expect(Date.parse(listed.nextRunAt ?? '')).toBeGreaterThan(Date.parse(listed.lastRun?.scheduledFor ?? ''));

  const runs = await scheduledRuns('heartbeat');
  expect(
    runs.every((r) => r.trigger.kind === 'schedule' && r.trigger.details?.cron === '*/2 * * * * *'),
  ).toBe(true);
  // One run per tick, and no tick left out: consecutive ticks 2 s apart.
  const ticks = runs.map((r) => Date.parse(r.trigger.details?.scheduledFor ?? '')).sort((a, b) => a - b);
  expect(new Set(ticks).size).toBe(ticks.length);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(2_000);
  const detail = await http<{ inputs: Record<string, unknown> }>(
    chainmail.base,
    'GET',
    `/v1/runs/${runs[0].id}`,
  );
  expect(detail.body.inputs).toEqual({ topic: 'pulse' });

  // Version 2 has no schedule: it leaves the listing at once and no later tick fires.
  const v2 = await http(
    chainmail.base,
    'POST',
    '/v1/workflows',
    HEARTBEAT.replace(/^trigger: .*$/m, 'trigger: { type: webhook, path: heartbeat, public: true }'),
    'application/yaml',
  );
  expect(v2.status).toBe(201);
  const changedAt = Date.now();
  expect((await schedules()).some((s) => s.name === 'heartbeat')).toBe(false);
  await new Promise((r) => setTimeout(r, 2_500));
  const after = (await scheduledRuns('heartbeat')).filter(
    (r) => Date.parse(r.trigger.details?.scheduledFor ?? '') > changedAt + 100,
  );
  expect(after).toEqual([]);
  // The second replica ran alongside all along.
  expect(chainmail.process('scheduling').exitCode).toBeNull();
}, 30_000);
