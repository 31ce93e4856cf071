import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * What waits for a person and pausing schedules, through the built all-in-one process against
 * NATS and Postgres: `GET /v1/approvals` lists the open checkpoints the caller may decide (and
 * nobody else's), and a schedule paused with `POST /v1/schedules/:id/pause` fires no run — after
 * a restart too, the pause being a fact in the definition log — until it is resumed.
 */

interface User {
  id: string;
  token: string;
}
interface Approval {
  runId: string;
  workflow: string;
  step: string;
  visit: number;
  message: string;
  approvers: string[] | null;
  openedAt: string | null;
  draft: { step: string; output: string } | null;
}
interface Schedule {
  id: string;
  name: string;
  paused: boolean;
  pausedChange: { at: string; by: string } | null;
  steps: string[];
}

const REVIEW = `name: ops-review
steps:
  - { id: draft, agent: uppercase@, input: "contract for acme" }
  - id: review
    type: checkpoint
    message: "Review the contract"
    actions:
      - approve → continue
      - reject → abort
      - edit → continue
  - { id: send, agent: uppercase@, input: "sent: {{ draft.output }}" }
`;

// Every second (a 6-field cron), so a pause shows within seconds.
const PULSE = `name: ops-pulse
trigger: { type: schedule, cron: "* * * * * *" }
steps:
  - { id: research, agent: uppercase@, input: pulse }
  - { id: summarize, agent: uppercase@, input: "{{ research.output }}" }
output: { format: none }
`;

const SLOW = `name: ops-slow
steps:
  - { id: wait, agent: sleep@, input: "2s" }
  - { id: after, agent: uppercase@, input: "after {{ wait.output }}" }
  - { id: last, agent: echo@, input: "{{ after.output }}" }
`;

let chainmail: ChainmailUnderTest;
let ann: User;
let bob: User;

const as = <T = unknown>(who: User, method: string, path: string, body?: unknown, type?: string) =>
  http<T>(chainmail.base, method, path, body, type, who.token);

async function user(name: string): Promise<User> {
  const created = await http<{ id: string }>(chainmail.base, 'POST', '/v1/users', { name });
  expect(created.status).toBe(201);
  const token = await http<{ token: string }>(chainmail.base, 'POST', '/v1/tokens', {
    name: `${name}'s laptop`,
    userId: created.body.id,
    scopes: ['read', 'run', 'write'],
  });
  expect(token.status).toBe(201);
  return { id: created.body.id, token: token.body.token };
}

async function publish(who: User, source: string): Promise<void> {
  const answer = await as(who, 'POST', '/v1/workflows', source, 'application/yaml');
  expect(answer.status).toBe(201);
}

const approvals = async (who: User, query = ''): Promise<Approval[]> => {
  const answer = await as<{ approvals: Approval[] }>(who, 'GET', `/v1/approvals${query}`);
  expect(answer.status).toBe(200);
  return answer.body.approvals;
};
const pulseRuns = async (): Promise<number> => {
  const answer = await as<{ runs: unknown[] }>(ann, 'GET', '/v1/runs?workflow=ops-pulse&limit=500');
  return answer.body.runs.length;
};
const pulseSchedule = async (who: User): Promise<Schedule | undefined> =>
  (await as<{ schedules: Schedule[] }>(who, 'GET', '/v1/schedules')).body.schedules.find(
    (s) => s.name === 'ops-pulse',
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  ann = await user('Ann');
  bob = await user('Bob');
  await publish(ann, REVIEW);
  await publish(ann, SLOW);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

it('lists the checkpoint a run of Ann waits at, with its draft, to Ann only; a decision takes it off', async () => {
  const started = await as<{ runId: string }>(ann, 'POST', '/v1/workflows/ops-review/runs', { inputs: {} });
  expect(started.status).toBe(202);
  const runId = started.body.runId;
  const [waiting] = await eventually(
    async () => {
      const list = await approvals(ann);
      return list.some((a) => a.runId === runId) ? list : undefined;
    },
    20_000,
    'the checkpoint to be listed',
  );
  expect(waiting).toMatchObject({
    runId,
    workflow: 'ops-review',
    step: 'review',
    visit: 1,
    message: 'Review the contract',
    draft: { step: 'draft', output: 'CONTRACT FOR ACME' },
  });
  expect(Date.parse(waiting.openedAt ?? '')).toBeLessThanOrEqual(Date.now());
  expect(await approvals(ann, '?workflow=another-flow')).toEqual([]);

  // Bob may neither see it nor decide it.
  expect(await approvals(bob)).toEqual([]);
  const bobs = await as(bob, 'POST', `/v1/runs/${runId}/checkpoints/review`, { action: 'approve' });
  expect(bobs.status).toBe(404);

  const decided = await as(ann, 'POST', `/v1/runs/${runId}/checkpoints/review`, {
    action: 'edit',
    input: 'contract, edited',
  });
  expect(decided.status).toBe(202);
  expect((await approvals(ann)).filter((a) => a.runId === runId)).toEqual([]);
  const bad = await as<{ error: { code: string; message: string } }>(ann, 'GET', '/v1/approvals?limit=0');
  expect(bad.status).toBe(400);
  expect(bad.body.error.message).toContain('limit');
}, 40_000);

it('a paused schedule fires nothing, after a restart too, until resumed; only its owner may pause it', async () => {
  await publish(ann, PULSE);
  await eventually(async () => ((await pulseRuns()) > 0 ? true : undefined), 20_000, 'the schedule to fire');
  const listed = await pulseSchedule(ann);
  expect(listed).toMatchObject({ id: 'ops-pulse:0', paused: false, pausedChange: null });
  expect(listed?.steps.join(' → ')).toBe('research → summarize');

  // Bob does not see Ann's workflow: to him it is not there.
  expect(await pulseSchedule(bob)).toBeUndefined();
  expect((await as(bob, 'POST', '/v1/schedules/ops-pulse:0/pause')).status).toBe(404);
  const wrong = await as<{ error: { code: string; message: string } }>(
    ann,
    'POST',
    '/v1/schedules/ops-pulse:3/pause',
  );
  expect([wrong.status, wrong.body.error.code]).toEqual([404, 'SCHEDULE_NOT_FOUND']);
  expect(wrong.body.error.message).toContain('"ops-pulse:0"');

  const paused = await as(ann, 'POST', '/v1/schedules/ops-pulse/pause');
  expect(paused).toEqual({
    status: 200,
    body: { id: 'ops-pulse:0', name: 'ops-pulse', schedule: '0', paused: true },
  });
  expect(await pulseSchedule(ann)).toMatchObject({ paused: true, pausedChange: { by: ann.id } });
  // A tick already under way may still start its run; after that, none.
  await sleep(1_500);
  const whilePaused = await pulseRuns();
  await sleep(2_500);
  expect(await pulseRuns()).toBe(whilePaused);

  await chainmail.kill('all-in-one', 'SIGTERM');
  await chainmail.start('all-in-one');
  expect(await pulseSchedule(ann)).toMatchObject({ paused: true });
  await sleep(2_500);
  expect(await pulseRuns()).toBe(whilePaused);

  const resumed = await as<{ paused: boolean }>(ann, 'POST', '/v1/schedules/ops-pulse:0/resume');
  expect([resumed.status, resumed.body.paused]).toEqual([200, false]);
  await eventually(
    async () => ((await pulseRuns()) > whilePaused ? true : undefined),
    10_000,
    'the resumed schedule to fire',
  );
  await as(ann, 'POST', '/v1/schedules/ops-pulse:0/pause');
}, 90_000);

it('pauses a running run before its next step; only its owner may, and an ended run cannot be', async () => {
  interface RunView {
    status: string;
    pausedAt: { step: string; input?: string } | null;
    steps: { stepId: string; status: string }[];
  }
  const started = await as<{ runId: string }>(ann, 'POST', '/v1/workflows/ops-slow/runs', { inputs: {} });
  const runId = started.body.runId;
  expect((await as(bob, 'POST', `/v1/runs/${runId}/pause`)).status).toBe(404);
  const asked = await as(ann, 'POST', `/v1/runs/${runId}/pause`);
  expect(asked).toEqual({ status: 202, body: { runId, accepted: true } });
  // The step under way finishes; the run waits before the next one, with its input.
  const paused = await eventually(
    async () => {
      const run = (await as<RunView>(ann, 'GET', `/v1/runs/${runId}`)).body;
      return run.status === 'paused' ? run : undefined;
    },
    20_000,
    'the run to pause',
  );
  expect(paused.pausedAt).toMatchObject({ step: 'after', input: 'after slept 2000 ms' });
  expect(paused.steps.map((s) => [s.stepId, s.status])).toEqual([['wait', 'succeeded']]);

  expect((await as(ann, 'POST', `/v1/runs/${runId}/resume`)).status).toBe(202);
  const ended = await eventually(
    async () => {
      const run = (await as<RunView>(ann, 'GET', `/v1/runs/${runId}`)).body;
      return run.status === 'succeeded' ? run : undefined;
    },
    20_000,
    'the resumed run to end',
  );
  expect(ended.steps.map((s) => s.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  const late = await as<{ error: { code: string; message: string } }>(ann, 'POST', `/v1/runs/${runId}/pause`);
  expect([late.status, late.body.error.code]).toEqual([409, 'CONFLICT']);
  expect(late.body.error.message).toContain('nothing to pause');
}, 60_000);
