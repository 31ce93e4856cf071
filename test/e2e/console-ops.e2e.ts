import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../support/browser';
import { ADMIN_TOKEN, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * The console's operator pages in headless Chromium against the built all-in-one process: the
 * approvals page (approve, and edit the draft it waits on), a debug run stepped through with
 * `Step` (one step with an edited input) and finished with `Resume`, a schedule paused and
 * resumed, and the runs list following new runs without a reload. Screenshots go to
 * web/test-artifacts as `ops-*.png`.
 */

jest.setTimeout(90_000);

const REVIEW = `name: ops-review
steps:
  - { id: draft, agent: uppercase@, input: "contract for {{ user_input }}" }
  - id: review
    type: checkpoint
    message: "Review the contract before it is sent"
    actions:
      - approve → continue
      - reject → abort
      - edit → continue
  - { id: send, agent: echo@, input: "sent: {{ review.output || draft.output }}" }
`;

const STEPS = `name: ops-steps
steps:
  - { id: first, agent: uppercase@, input: "{{ user_input }}" }
  - { id: second, agent: uppercase@, input: "{{ first.output }} again" }
  - { id: third, agent: echo@, input: "{{ second.output }}" }
`;

const SLOW = `name: ops-slow
steps:
  - { id: wait, agent: sleep@, input: "3s" }
  - { id: after, agent: uppercase@, input: "after {{ wait.output }}" }
`;

const PULSE = `name: ops-digest
trigger: { type: schedule, cron: "0 7 * * *", timezone: Europe/Berlin }
steps:
  - { id: research, agent: uppercase@, input: news }
  - { id: summarize, agent: uppercase@, input: "{{ research.output }}" }
output: { format: email, to: me@example.com }
`;

interface RunBody {
  id: string;
  status: string;
  output: string | null;
  steps: { stepId: string; input: string | null; output: string | null }[];
}

let chainmail: ChainmailUnderTest;
let browser: Browser;
let page: Page;

const api = <T = unknown>(method: string, path: string, body?: unknown, type?: string) =>
  http<T>(chainmail.base, method, path, body, type);

async function publish(source: string): Promise<void> {
  const published = await api('POST', '/v1/workflows', source, 'application/yaml');
  if (published.status !== 201) throw new Error(`${published.status} ${JSON.stringify(published.body)}`);
}

async function startReview(text: string): Promise<string> {
  const started = await api<{ runId: string }>('POST', '/v1/workflows/ops-review/runs', {
    inputs: { user_input: text },
  });
  expect(started.status).toBe(202);
  return started.body.runId;
}

async function runOf(id: string): Promise<RunBody> {
  return (await api<RunBody>('GET', `/v1/runs/${id}`)).body;
}

async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const ended = (id: string) =>
  until(async () => {
    const run = await runOf(id);
    return ['succeeded', 'failed', 'cancelled'].includes(run.status) ? run : undefined;
  }, `run ${id} to end`);

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  for (const source of [REVIEW, STEPS, SLOW, PULSE]) await publish(source);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chainmail?.stop();
});

it('lists what waits for the signed-in person, with a count in the navigation; approve and edit in place', async () => {
  const approved = await startReview('acme');
  await until(async () => ((await runOf(approved)).status === 'waiting' ? true : undefined), 'a checkpoint');
  const edited = await startReview('globex');
  await until(async () => ((await runOf(edited)).status === 'waiting' ? true : undefined), 'a checkpoint');

  await page.goto(chainmail.base + '/');
  await page.getByLabel('API token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page
    .getByRole('link', { name: /Approvals/ })
    .getByLabel('2 waiting')
    .waitFor();
  await page.getByRole('link', { name: /Approvals/ }).click();
  await page.getByRole('heading', { name: 'Approvals' }).waitFor();
  const first = page.locator(`li[data-run="${approved}"]`);
  const second = page.locator(`li[data-run="${edited}"]`);
  await first.waitFor();
  expect(await first.innerText()).toContain('Review the contract before it is sent');
  expect(await first.getByTestId('checkpoint-draft').innerText()).toBe('CONTRACT FOR ACME');
  await screenshot(page, 'ops-01-approvals');

  await first.getByRole('button', { name: 'Approve' }).click();
  await first.waitFor({ state: 'detached' });
  await page
    .getByRole('link', { name: /Approvals/ })
    .getByLabel('1 waiting')
    .waitFor();

  // Edit opens the draft in an editor; what is sent is the edited text.
  await second.getByRole('button', { name: 'Edit' }).click();
  const text = second.getByLabel('Edited text');
  expect(await text.inputValue()).toBe('CONTRACT FOR GLOBEX');
  await text.fill('CONTRACT FOR GLOBEX, with a 30-day notice');
  await screenshot(page, 'ops-02-approvals-edit');
  await second.getByRole('button', { name: 'Send edit' }).click();
  await page.getByText('Nothing waits for your decision.').waitFor();

  expect((await ended(approved)).output).toBe('sent: CONTRACT FOR ACME');
  expect((await ended(edited)).output).toBe('sent: CONTRACT FOR GLOBEX, with a 30-day notice');
});

it('steps a debug run from the Test Run form with Step (one input edited) and finishes it with Resume', async () => {
  await page.goto(`${chainmail.base}/workflows/ops-steps`);
  await page.getByRole('button', { name: 'Test Run' }).click();
  await page.getByLabel('user_input').fill('hello');
  await page.getByLabel('Pause before each step').check();
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.waitForURL(/\/runs\/[0-9a-f-]+$/);
  const runId = page.url().split('/').pop() as string;

  const pausedBefore = (step: string) => page.locator(`[data-next-step="${step}"]`);
  await pausedBefore('first').waitFor();
  await page.locator('.react-flow__node [data-step="first"][data-status="paused"]').waitFor();
  await screenshot(page, 'ops-03-debug-paused');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await pausedBefore('second').waitFor();
  await page.locator('.react-flow__node [data-step="first"][data-status="succeeded"]').waitFor();

  // The next step's input, replaced for this step only.
  expect(await page.locator('.debug-panel pre').innerText()).toBe('HELLO again');
  await page.getByRole('button', { name: 'Edit input' }).click();
  await page.getByLabel(/Input for/).fill('edited by hand');
  await screenshot(page, 'ops-04-debug-edit-input');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await pausedBefore('third').waitFor();

  // Resume, from the keyboard.
  await page.getByRole('button', { name: 'Resume' }).focus();
  await page.keyboard.press('Enter');
  await page.locator('.run-page .page-title .status[data-status="succeeded"]').waitFor();
  await page.getByTestId('run-output').filter({ hasText: 'EDITED BY HAND' }).waitFor();
  await screenshot(page, 'ops-05-debug-finished');
  const run = await runOf(runId);
  expect(run.steps.map((s) => [s.stepId, s.input])).toEqual([
    ['first', 'hello'],
    ['second', 'edited by hand'],
    ['third', 'EDITED BY HAND'],
  ]);

  // Forked from its second step into a new run, which the page opens.
  await page.getByLabel('From step').selectOption('second');
  await page.getByRole('button', { name: 'Fork' }).click();
  await page.waitForURL((url) => url.pathname.startsWith('/runs/') && !url.pathname.endsWith(runId));
  await page.getByText('Forked from run').waitFor();
  await page.locator('.run-page .page-title .status[data-status="succeeded"]').waitFor();
});

it('pauses a running run from its page before its next step, and resumes it', async () => {
  const started = await api<{ runId: string }>('POST', '/v1/workflows/ops-slow/runs', { inputs: {} });
  await page.goto(`${chainmail.base}/runs/${started.body.runId}`);
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await page.getByText('Running: it pauses before its next step.').waitFor();
  await page.locator('[data-next-step="after"]').waitFor();
  await page.locator('.react-flow__node [data-step="after"][data-status="paused"]').waitFor();
  await screenshot(page, 'ops-05b-paused-running-run');
  await page.getByRole('button', { name: 'Resume' }).click();
  await page.locator('.run-page .page-title .status[data-status="succeeded"]').waitFor();
});

it('opens the schedules page: the schedule in words, its steps, and Pause / Resume', async () => {
  await page.getByRole('link', { name: 'Schedules' }).click();
  const row = page.locator('tr[data-schedule-id="ops-digest:0"]');
  await row.waitFor();
  const text = await row.innerText();
  expect(text).toContain('Every day at 7:00');
  expect(text).toContain('research → summarize → email');
  expect(text).toContain('never');
  await row.getByRole('button', { name: 'Pause' }).click();
  await page.locator('tr[data-schedule-id="ops-digest:0"][data-paused="true"]').waitFor();
  expect(await row.innerText()).toContain('none while paused');
  const listed = await api<{ schedules: { id: string; paused: boolean }[] }>('GET', '/v1/schedules');
  expect(listed.body.schedules.find((s) => s.id === 'ops-digest:0')?.paused).toBe(true);
  await screenshot(page, 'ops-06-schedule-paused');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'ops-07-schedules-phone');
  await page.setViewportSize({ width: 1280, height: 800 });
  await row.getByRole('button', { name: 'Resume' }).click();
  await page.locator('tr[data-schedule-id="ops-digest:0"][data-paused="false"]').waitFor();
});

it('follows the runs list live: a run started elsewhere appears and ends without a reload', async () => {
  await page.getByRole('link', { name: 'Runs' }).click();
  await page.getByRole('heading', { name: 'Runs' }).waitFor();
  const id = await startReview('initech');
  const row = page.locator(`tr[data-run="${id}"]`);
  await row.waitFor();
  await row.locator('.status[data-status="waiting"]').waitFor();
  await api('POST', `/v1/runs/${id}/checkpoints/review`, { action: 'approve' });
  await row.locator('.status[data-status="succeeded"]').waitFor();
  await screenshot(page, 'ops-08-runs-live');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByRole('link', { name: /Approvals/ }).click();
  await page.getByText('Nothing waits for your decision.').waitFor();
  await screenshot(page, 'ops-09-approvals-phone');
});
