import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../support/browser';
import { ADMIN_TOKEN, http, ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/**
 * The web console in headless Chromium against the built all-in-one process (example pipelines
 * published at start, two construct demos applied): sign in, build a workflow by clicking, save and test-run it, run the seed's
 * competitor-analysis and read its report, roll back a version, the schedules page. Each page is
 * kept as a screenshot in web/test-artifacts.
 */

jest.setTimeout(60_000);

let chainmail: ChainmailUnderTest;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one'], { CHAINMAIL_EXAMPLES_DIR: join(ROOT, 'examples') });
  // The loader publishes the example pipelines; the construct demos drawn below are applied as a user would.
  for (const file of ['parallel-research.yaml', 'triage-switch.yaml']) {
    const source = await readFile(join(ROOT, 'examples', file), 'utf8');
    const published = await http(chainmail.base, 'POST', '/v1/workflows', source, 'application/yaml');
    if (published.status !== 201)
      throw new Error(`${file}: ${published.status} ${JSON.stringify(published.body)}`);
  }
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await chainmail?.stop();
});

const stepNodes = (status?: string): string =>
  status === undefined
    ? '.react-flow__node [data-step]'
    : `.react-flow__node [data-step][data-status="${status}"]`;

it('answers the console at / and asks for a token; a wrong one is refused', async () => {
  await page.goto(chainmail.base + '/');
  await page.getByLabel('API token').waitFor();
  await screenshot(page, '01-sign-in');
  await page.getByLabel('API token').fill('cm_wrong_token');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').filter({ hasText: 'Sign-in failed' }).waitFor();
});

it('signs in with an API token and lists the workflows it may see', async () => {
  await page.getByLabel('API token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
  await page.locator('tr[data-workflow="competitor-analysis"]').waitFor();
  expect(await page.locator('tr[data-workflow="competitor-analysis"]').innerText()).toContain(
    'research → summarize → draft → review',
  );
  await screenshot(page, '02-workflows');
});

it('builds a three-step workflow by clicking, saves it, test-runs it and sees each node succeed', async () => {
  await page.getByRole('link', { name: 'New workflow' }).click();
  await page.locator(stepNodes()).first().waitFor();
  const name = page.getByLabel('Workflow name');
  expect(await name.inputValue()).toBe('new-workflow');
  // A name already taken is said before saving would add a version to that workflow.
  await name.fill('competitor-analysis');
  await name.press('Enter');
  await page.getByRole('note').filter({ hasText: 'A workflow named competitor-analysis exists' }).waitFor();
  await name.fill('three-steps');
  await name.press('Enter');
  await expectCount(page, '[role="note"]', 0);
  await page.getByRole('button', { name: 'Add step' }).click();
  await page.getByRole('button', { name: 'Add step' }).click();
  await expectCount(page, stepNodes(), 3);
  // The second step's agent, changed in the side panel (the step chosen from the keyboard).
  await page.locator('.react-flow__node[data-id="step2"]').focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Step step2 (agent)' }).waitFor();
  const agent = page.getByLabel('Agent');
  await agent.fill('uppercase@');
  await agent.press('Enter');
  await page.locator('[data-step="step2"]').filter({ hasText: 'uppercase@' }).waitFor();
  // The YAML beside the graph says the same.
  const yaml = await page.getByTestId('yaml-editor').innerText();
  expect(yaml).toContain('name: three-steps');
  expect(yaml).toMatch(/id: step2\s+agent: uppercase@\s+input: "\{\{ step1.output \}\}"/);
  await screenshot(page, '03-builder-three-steps');
  // An edge drawn from step1 to step3: step3 now needs both; deleting it takes the need away.
  await page
    .locator('.react-flow__node[data-id="step1"] .react-flow__handle.source')
    .dragTo(page.locator('.react-flow__node[data-id="step3"] .react-flow__handle.target'));
  await page
    .getByTestId('yaml-editor')
    .filter({ hasText: /needs:\s+- step2\s+- step1/ })
    .waitFor();
  // The edge runs behind step2: focused and clicked as a pointer would, then Delete.
  const edge = page.locator('.react-flow__edge[data-id="step1->step3"]');
  await edge.focus();
  await edge.dispatchEvent('click');
  await page.keyboard.press('Delete');
  await page
    .getByTestId('yaml-editor')
    .filter({ hasText: /id: step3\s+agent: echo@\s+needs:\s+- step2\s+input/ })
    .waitFor();

  // From the side panel: step3 waits for step1 only. Its input still reads step2, which the
  // validator refuses on the node and the YAML line; the panel carries on and fixes it.
  await page.locator('[data-step="step3"]').click();
  const waits = page.getByLabel('Waits for');
  await waits.fill('step1');
  await waits.press('Enter');
  await page.locator('.react-flow__edge[data-id="step1->step3"]').waitFor({ state: 'attached' });
  expect(await page.locator('.react-flow__edge[data-id="step2->step3"]').count()).toBe(0);
  await page.locator('[data-step="step3"].has-problems').waitFor();
  expect(await page.locator('.problems li').first().innerText()).toMatch(/^13:13 .*not guaranteed to finish/);
  expect(await page.getByRole('button', { name: 'Save Workflow' }).isDisabled()).toBe(true);
  await screenshot(page, '03b-builder-waits-problem');
  await waits.fill('');
  await waits.press('Enter');
  await page.getByText('No problems.').waitFor();
  await page.locator('.react-flow__edge[data-id="step2->step3"]').waitFor({ state: 'attached' });
  expect(await page.getByTestId('yaml-editor').innerText()).not.toContain('needs');

  await page.getByRole('button', { name: 'Save Workflow' }).click();
  await page.getByRole('status').filter({ hasText: 'Saved three-steps as version 1' }).waitFor();
  expect(page.url()).toBe(`${chainmail.base}/workflows/three-steps`);

  await page.getByRole('button', { name: 'Test Run' }).click();
  await page.getByLabel('user_input').fill('hello console');
  await page.getByRole('button', { name: 'Start run' }).click();
  await expectCount(page, stepNodes('succeeded'), 3, 30_000);
  await page.locator('.test-run-status .status[data-status="succeeded"]').waitFor();
  await screenshot(page, '04-builder-test-run-succeeded');

  const runs = await http<{ runs: { workflow: string; status: string }[] }>(
    chainmail.base,
    'GET',
    '/v1/runs?workflow=three-steps',
  );
  expect(runs.body.runs.map((r) => r.status)).toEqual(['succeeded']);
});

it('shows the validator’s problems at their line, on the node and in the YAML', async () => {
  await page.locator('[data-step="step3"]').click();
  const agent = page.getByLabel('Agent');
  await agent.fill('nobody@');
  await agent.press('Enter');
  const problem = page.locator('.problems li').first();
  await problem.waitFor();
  expect(await problem.innerText()).toMatch(/^\d+:\d+ .*nobody@/);
  await page.locator('[data-step="step3"].has-problems').waitFor();
  await page.locator('.cm-lint-marker-error').first().waitFor();
  await screenshot(page, '05-builder-problem');
  // Fixed from the YAML side, the graph follows.
  const fixed = (await page.locator('.cm-content').innerText()).replace('nobody@', 'uppercase@');
  await page.locator('.cm-content').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(fixed);
  await page.getByText('No problems.').waitFor();
  await page.locator('[data-step="step3"]').filter({ hasText: 'uppercase@' }).waitFor();
  expect(await agent.inputValue()).toBe('uppercase@');
});

it('builds the seed’s competitor-analysis without typing YAML, runs it to the end and finds the digest’s next run', async () => {
  await page.goto(`${chainmail.base}/workflows`);
  await page.getByRole('link', { name: 'New workflow' }).click();
  await page.locator(stepNodes()).first().waitFor();
  const name = page.getByLabel('Workflow name');
  await name.fill('clicked-competitor-analysis');
  await name.press('Enter');
  const steps: [string, string, string][] = [
    ['research', 'research@', 'Research competitors for: {{ user_input }}'],
    ['summarize', 'summarize@', 'Summarize this research: {{ research.output }}'],
    ['draft', 'write-report@', 'Create a competitive analysis report based on: {{ summarize.output }}'],
    ['review', 'proofread@', 'Review and polish: {{ draft.output }}'],
  ];
  for (const [index, [id, agent, input]] of steps.entries()) {
    // A new step takes the first free id, step1 again once the one before was renamed.
    if (index > 0) await page.getByRole('button', { name: 'Add step' }).click();
    await page.locator('.react-flow__node [data-step="step1"]').click();
    const panel = page.locator('.step-panel').first();
    await panel.getByLabel('Id').fill(id);
    await panel.getByLabel('Id').press('Enter');
    await page.locator(`[data-step="${id}"]`).waitFor();
    await panel.getByLabel('Agent').fill(agent);
    await panel.getByLabel('Agent').press('Enter');
    await panel.locator('.template-field textarea').fill(input);
    await panel.locator('.template-field textarea').blur();
    await page.locator(`[data-step="${id}"]`).filter({ hasText: agent }).waitFor();
  }
  // Nothing selected: the workflow's own settings — the trigger and the output.
  await page.locator('.react-flow__pane').click({ position: { x: 5, y: 5 } });
  const settings = page.getByRole('complementary', { name: 'Workflow settings' });
  await settings.getByLabel('Address', { exact: true }).fill('clicked-intel@');
  await settings.getByRole('button', { name: 'Add trigger' }).click();
  await settings.locator('[data-trigger="email"]').filter({ hasText: 'email to clicked-intel@' }).waitFor();
  await settings.locator('.template-field textarea').fill('{{ review.output }}');
  await settings.locator('.template-field textarea').blur();
  await settings.getByLabel('Send the output').selectOption('none');
  const yaml = page.getByTestId('yaml-editor');
  await yaml.filter({ hasText: 'trigger: email to clicked-intel@' }).waitFor();
  await yaml.filter({ hasText: /template: "\{\{ review.output \}\}"/ }).waitFor();
  expect(await yaml.innerText()).toMatch(
    /id: review\s+agent: proofread@\s+input: "Review and polish: \{\{ draft.output \}\}"/,
  );
  await page.getByText('No problems.').waitFor();
  await screenshot(page, '03c-builder-seed-by-clicking');

  await page.getByRole('button', { name: 'Save Workflow' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: 'Saved clicked-competitor-analysis as version 1' })
    .waitFor();
  await page.getByRole('button', { name: 'Test Run' }).click();
  await page.getByLabel('user_input').fill('the CRM space');
  await page.getByRole('button', { name: 'Start run' }).click();
  await expectCount(page, stepNodes('succeeded'), 4, 30_000);
  await page.locator('.test-run-status a').click();
  expect(await page.getByTestId('run-output').innerText()).toContain('CRM');

  await page.getByRole('link', { name: 'Schedules' }).click();
  const digest = page.locator('tr[data-schedule="daily-news-digest"]');
  await digest.waitFor();
  expect(await digest.locator('[data-label="Next run"]').innerText()).toMatch(/\d/);
});

it('opens the seed’s competitor-analysis, test-runs it and reads the report on the run page', async () => {
  await page.goto(`${chainmail.base}/workflows/competitor-analysis`);
  await expectCount(page, stepNodes(), 4);
  await page.getByRole('button', { name: 'Test Run' }).click();
  await page.getByLabel('user_input').fill('Analyze our competitors in the CRM space');
  await page.getByRole('button', { name: 'Start run' }).click();
  await expectCount(page, stepNodes('succeeded'), 4, 30_000);
  await page.locator('.test-run-status a').click();
  await page.getByRole('heading', { name: /Run .* of competitor-analysis/ }).waitFor();
  const report = page.getByTestId('run-output');
  await report.waitFor();
  expect((await report.innerText()).length).toBeGreaterThan(20);
  await expectCount(page, '.run-steps .step-details[data-status="succeeded"]', 4);
  expect(await page.locator('.step-details[data-step="research"] pre').first().textContent()).toBe(
    'Research competitors for: Analyze our competitors in the CRM space',
  );
  await expectCount(page, stepNodes('succeeded'), 4);
  await screenshot(page, '06-run-page');
  // Time travel: back to the second event of the log, only the first step has started.
  await page.getByRole('button', { name: 'Show the run after event 2', exact: true }).click();
  await expectCount(page, stepNodes('succeeded'), 0);
  await page.locator('[data-step="research"][data-status="running"]').waitFor();
  await screenshot(page, '07-run-page-time-travel');
});

it('approves a checkpoint in place on the run page', async () => {
  await page.goto(`${chainmail.base}/workflows/human-review`);
  await expectCount(page, stepNodes(), 3);
  await page.getByRole('button', { name: 'Test Run' }).click();
  await page.getByLabel('client', { exact: false }).first().fill('Acme');
  await page.getByLabel('client_email').fill('legal@acme.example');
  await page.getByRole('button', { name: 'Start run' }).click();
  await page.locator('.test-run-status a').click();
  const panel = page.locator('[data-checkpoint="human-review"]');
  await panel.waitFor();
  expect(await panel.innerText()).toContain('Review draft before sending to client');
  await page.locator('.react-flow__node [data-step="human-review"][data-status="waiting"]').waitFor();
  await screenshot(page, '08a-run-checkpoint');
  await panel.getByRole('button', { name: 'Approve' }).click();
  await page.locator('.page-title .status[data-status="succeeded"]').waitFor({ timeout: 30_000 });
  await expectCount(page, '[data-checkpoint]', 0);
  await expectCount(page, stepNodes('succeeded'), 3);
  expect(await page.locator('.event-log').innerText()).toContain('human-review decided: approve');
});

it('lists runs with filters', async () => {
  await page.goto(`${chainmail.base}/runs`);
  await screenshot(page, '08-runs');
  // three-steps, the clicked competitor-analysis, the seed's and human-review: one run each.
  await expectCount(page, 'tr[data-run]', 4);
  await page.getByRole('combobox', { name: 'Workflow' }).selectOption('three-steps');
  await expectCount(page, 'tr[data-run]', 1);
  await page.getByRole('combobox', { name: 'Status' }).selectOption('failed');
  await page.getByText('No runs match.').waitFor();
});

it('saves a second version, diffs the two and rolls back to the first', async () => {
  await page.goto(`${chainmail.base}/workflows/three-steps`);
  await page.locator('[data-step="step3"]').click();
  await page.getByRole('button', { name: 'Delete step' }).click();
  await expectCount(page, stepNodes(), 2);
  await page.getByRole('button', { name: 'Save Workflow' }).click();
  await page.getByRole('status').filter({ hasText: 'version 2' }).waitFor();
  await page.getByRole('link', { name: 'Versions' }).click();
  await page.locator('tr[data-version="2"][data-active="true"]').waitFor();
  await page.getByTestId('version-diff').waitFor();
  expect(await page.getByTestId('version-diff').innerText()).toContain('step3');
  await page.getByRole('button', { name: 'Roll back to version 1' }).click();
  await page.getByRole('status').filter({ hasText: 'version 1 is active' }).waitFor();
  await page.locator('tr[data-version="1"][data-active="true"]').waitFor();
  await screenshot(page, '09-versions-rolled-back');
  const active = await http<{ activeVersion: number }>(chainmail.base, 'GET', '/v1/workflows/three-steps');
  expect(active.body.activeVersion).toBe(1);
});

it('shows the schedules, the agents and the settings', async () => {
  await page.goto(`${chainmail.base}/schedules`);
  const digest = page.locator('tr[data-schedule="daily-news-digest"]');
  await digest.waitFor();
  expect(await digest.innerText()).toMatch(/→/);
  await screenshot(page, '10-schedules');
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.locator('tr[data-agent="research@"]').waitFor();
  await screenshot(page, '11-agents');
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('heading', { name: 'Signed in as' }).waitFor();
  // A token for a script: shown once, then listed, then revoked.
  await page.getByLabel('Token name').fill('ci-console');
  await page.getByRole('button', { name: 'Create token' }).click();
  const secret = await page.getByTestId('new-token').innerText();
  expect(secret).toMatch(/^cm_[0-9a-f]{16}_/);
  expect((await http(chainmail.base, 'GET', '/v1/me', undefined, 'application/json', secret)).status).toBe(
    200,
  );
  await page.locator('tr[data-token="ci-console"] .status[data-status="active"]').waitFor();
  // The token the console is signed in with is not offered for revocation.
  expect(await page.locator('tr', { hasText: 'CHAINMAIL_ADMIN_TOKEN' }).innerText()).toContain(
    'signed in with it here',
  );
  await screenshot(page, '12-settings');
  await page.getByRole('button', { name: 'Revoke ci-console' }).click();
  await page.locator('tr[data-token="ci-console"] .status[data-status="revoked"]').waitFor();
  expect((await http(chainmail.base, 'GET', '/v1/me', undefined, 'application/json', secret)).status).toBe(
    401,
  );
});

it('draws parallel branches, switch cases and a checkpoint gate', async () => {
  await page.goto(`${chainmail.base}/workflows/parallel-research`);
  await expectCount(page, stepNodes(), 5);
  await page.locator('[data-step="fan-out"][data-kind="parallel"]').waitFor();
  for (const branch of ['market', 'pricing', 'trends'])
    await page.locator(`.react-flow__edge[data-id="${branch}->merge"]`).waitFor({ state: 'attached' });
  await screenshot(page, '15-builder-parallel');
  await page.goto(`${chainmail.base}/workflows/triage-switch`);
  await page.locator('[data-step="route"][data-kind="switch"]').waitFor();
  const toEscalate = page.locator('.react-flow__edge[data-id="route->escalate"]');
  await toEscalate.waitFor({ state: 'attached' });
  expect(await page.locator('.react-flow__edge-text').allTextContents()).toContain('default');
  await screenshot(page, '16-builder-switch');
  await page.goto(`${chainmail.base}/workflows/human-review`);
  await page.locator('[data-step="human-review"][data-kind="checkpoint"]').waitFor();
  await page.locator('.react-flow__edge[data-id="human-review->draft"]').waitFor({ state: 'attached' });
  await screenshot(page, '17-builder-checkpoint');
});

it('is readable at phone width', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${chainmail.base}/workflows/competitor-analysis`);
  await expectCount(page, stepNodes(), 4);
  await screenshot(page, '13-builder-phone');
  await page.goto(`${chainmail.base}/runs`);
  await page.locator('tr[data-run]').first().waitFor();
  await screenshot(page, '14-runs-phone');
});

async function expectCount(on: Page, selector: string, count: number, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  while (Date.now() < deadline) {
    seen = await on.locator(selector).count();
    if (seen === count) return;
    await on.waitForTimeout(100);
  }
  throw new Error(`expected ${count} of ${selector}, saw ${seen}`);
}
