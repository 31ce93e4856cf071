import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, screenshot } from '../support/browser';
import {
  ADMIN_TOKEN,
  eventually,
  http,
  ROOT,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';
import { listen, type LocalServer } from '../support/local-agents';

/**
 * The console's Analytics pages after a few runs, against the built all-in-one process: a workflow
 * whose runs succeed (with a priced HTTP agent) and one that fails, and the seed's
 * competitor-analysis. The overview and the workflow page show the success rate and each step's
 * latency, the workflow and run pages link to them, a workflow without runs says how to start
 * one, and the run page opens the run's trace with CHAINMAIL_TRACE_URL_TEMPLATE. Screenshots at
 * 1280×800 and at phone width go to web/test-artifacts (analytics-*).
 */

jest.setTimeout(60_000);

const TEMPLATE = 'http://traces.example.test/trace/{traceId}';
const MEASURED = `name: measured
steps:
  - id: wait
    agent: sleep@
    input: "{{user_input}}"
  - id: write
    agent: priced@
    input: "{{wait.output}}"
`;

let chainmail: ChainmailUnderTest;
let priced: LocalServer;
let browser: Browser;
let page: Page;
let failedRun: string;
const runFile = promisify(execFile);

interface RunBody {
  status: string;
  traceId: string | null;
}

beforeAll(async () => {
  // An HTTP agent that reports what each call cost, as a priced model would.
  priced = await listen((body, _req, res) => {
    const { input } = JSON.parse(body) as { input: string };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        output: `written: ${input}`,
        usage: { promptTokens: 300, completionTokens: 100, costUsd: 0.002 },
      }),
    );
  });
  chainmail = await startChainmail(['all-in-one'], {
    CHAINMAIL_EXAMPLES_DIR: join(ROOT, 'examples'),
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
    CHAINMAIL_TRACE_URL_TEMPLATE: TEMPLATE,
  });
  const agent = await http(chainmail.base, 'PUT', '/v1/agents/priced@', {
    kind: 'http',
    config: { url: priced.url },
  });
  expect(agent.status).toBe(200);
  for (const source of [
    MEASURED,
    'name: idle\nsteps:\n  - { id: only, agent: echo@, input: "{{user_input}}" }\n',
  ]) {
    const published = await http(chainmail.base, 'POST', '/v1/workflows', source, 'application/yaml');
    expect(published.status).toBe(201);
  }

  // Three runs that succeed and one whose first step refuses its input (a failure, no retry).
  const started: string[] = [];
  for (const [workflow, input] of [
    ['measured', '120'],
    ['measured', '60'],
    ['measured', '200'],
    ['measured', 'later'],
    ['competitor-analysis', 'CRM tools'],
    ['competitor-analysis', 'Note-taking apps'],
  ]) {
    const run = await http<{ runId: string }>(chainmail.base, 'POST', `/v1/workflows/${workflow}/runs`, {
      inputs: { user_input: input },
    });
    expect(run.status).toBe(202);
    started.push(run.body.runId);
  }
  failedRun = started[3];
  const ended = await Promise.all(
    started.map((id) =>
      eventually(
        async () => {
          const run = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
          return ['succeeded', 'failed'].includes(run.body.status) ? run.body.status : undefined;
        },
        30_000,
        `run ${id} to end`,
      ),
    ),
  );
  expect(ended).toEqual(['succeeded', 'succeeded', 'succeeded', 'failed', 'succeeded', 'succeeded']);
  // The analytics rows are the projector's: wait until every attempt is in.
  await eventually(
    async () => {
      const figures = await http<{ runs: number; steps: { runs: number }[] }>(
        chainmail.base,
        'GET',
        '/v1/analytics/workflows/measured',
      );
      return figures.body.runs === 4 && figures.body.steps[0]?.runs === 4 ? true : undefined;
    },
    15_000,
    'the analytics of measured',
  );

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
  await page.goto(chainmail.base + '/');
  await page.getByLabel('API token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Workflows' }).waitFor();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await chainmail?.stop();
  await priced?.close();
});

const figure = (name: string): string => `.figure-cards [data-figure="${name}"]`;
const stepCell = (step: string, name: string): string =>
  `table.steps-figures tr[data-step="${step}"] [data-figure="${name}"]`;
const DURATION = /^\d+(\.\d+)? (ms|s)$/;

it('shows every workflow: success rate, runs over time, top workflows, slowest steps, cost per agent', async () => {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await page.getByRole('heading', { name: 'Analytics', exact: true }).waitFor();
  // 5 of the 6 runs ended well.
  await page.locator(figure('success-rate')).filter({ hasText: '83.3%' }).waitFor();
  expect(await page.locator(figure('runs')).innerText()).toBe('6');
  expect(await page.locator('tr[data-workflow="measured"] [data-figure="success-rate"]').innerText()).toBe(
    '75%',
  );
  expect(
    await page.locator('tr[data-workflow="competitor-analysis"] [data-figure="success-rate"]').innerText(),
  ).toBe('100%');
  // The charts are drawn, and say their figures to assistive technology.
  await page.getByRole('figure', { name: 'Runs and success rate over time' }).waitFor();
  expect(
    await page
      .getByRole('figure', { name: 'Runs and success rate over time' })
      .getAttribute('aria-describedby'),
  ).toBeTruthy();
  expect(await page.locator('.chart-canvas .recharts-bar-rectangle').count()).toBeGreaterThan(0);
  await page.getByRole('figure', { name: /Slowest steps \(p95\)/ }).waitFor();
  await page.getByRole('figure', { name: /Most failing steps/ }).waitFor();
  expect(await page.getByRole('region', { name: 'Most failing steps' }).innerText()).not.toContain(
    'No step failed',
  );
  // Three calls of priced@ (the failed run stopped before it) at $0.002 each.
  await page.getByRole('figure', { name: 'Cost per agent' }).waitFor();
  expect(await page.locator('tr[data-agent="priced@"]').innerText()).toMatch(
    /priced@\s+3\s+100%.*\$0\.0060/s,
  );
  await screenshot(page, 'analytics-01-overview');
});

it("shows a workflow's success rate and the latency of each step, its errors and cost per run", async () => {
  await page.locator('tr[data-workflow="measured"]').getByRole('link', { name: 'measured' }).click();
  await page.getByRole('heading', { name: 'Analytics: measured' }).waitFor();
  await page.locator(figure('success-rate')).filter({ hasText: '75%' }).waitFor();
  expect(await page.locator(figure('runs')).innerText()).toBe('4');
  // wait ran 4 times (one refused its input); write ran for the 3 that got past it.
  expect(await page.locator(stepCell('wait', 'success-rate')).innerText()).toBe('75%');
  expect(await page.locator(stepCell('write', 'success-rate')).innerText()).toBe('100%');
  for (const step of ['wait', 'write']) {
    for (const p of ['p50', 'p95', 'p99'])
      expect(await page.locator(stepCell(step, p)).innerText()).toMatch(DURATION);
  }
  // sleep@ slept 60 to 200 ms: its median is about 120 ms.
  const waitP50 = Number((await page.locator(stepCell('wait', 'p50')).innerText()).replace(' ms', ''));
  expect(waitP50).toBeGreaterThanOrEqual(60);
  await page.getByRole('figure', { name: 'Latency per step (p50, p95, p99)' }).waitFor();
  const latencyChart = page.getByRole('figure', { name: 'Latency per step (p50, p95, p99)' });
  expect(await latencyChart.locator('.recharts-bar-rectangle').count()).toBe(6);
  await latencyChart.getByText('Table').click();
  expect(await latencyChart.locator('table').innerText()).toMatch(/wait\s+\d+ ms/);
  await page.getByRole('figure', { name: 'Failed runs and step attempts by error code' }).waitFor();
  expect(await page.getByRole('region', { name: 'Errors by code' }).innerText()).toContain('AGENT_BAD_INPUT');
  await page.getByRole('figure', { name: /Cost per run over time/ }).waitFor();
  expect(await page.locator(figure('cost-per-run')).innerText()).toBe('$0.0015');
  await screenshot(page, 'analytics-02-workflow');

  // The version and the time range are kept in the address.
  await page.getByLabel('Version').selectOption('1');
  await page.waitForURL(/version=1/);
  await page.getByLabel('Time range').selectOption('24h');
  await page.waitForURL(/range=24h/);
  await page.locator(figure('runs')).filter({ hasText: '4' }).waitFor();
  await page.getByLabel('Version').selectOption('');
});

it('is the page competitor-analysis runs and the CLI agree on: success rate and each step', async () => {
  await page.goto(`${chainmail.base}/analytics/competitor-analysis`);
  await page.locator(figure('success-rate')).filter({ hasText: '100%' }).waitFor();
  for (const step of ['research', 'summarize', 'draft', 'review']) {
    expect(await page.locator(stepCell(step, 'p50')).innerText()).toMatch(DURATION);
  }
  const stats = await runFile(
    process.execPath,
    [join(ROOT, 'bin', 'chainmail.js'), 'stats', 'competitor-analysis'],
    { env: { ...process.env, CHAINMAIL_URL: chainmail.base, CHAINMAIL_TOKEN: ADMIN_TOKEN, NO_COLOR: '1' } },
  );
  expect(stats.stdout).toContain('Success:  100%');
  for (const step of ['research', 'summarize', 'draft', 'review'])
    expect(stats.stdout).toMatch(new RegExp(`^${step}\\s+\\S+@\\s+2\\s+100%\\s+\\d`, 'm'));
  await screenshot(page, 'analytics-03-competitor-analysis');
});

it('shows how long runs waited at a checkpoint for a person', async () => {
  const gated =
    'name: gated\nsteps:\n  - { id: gate, type: checkpoint, message: "Go on?" }\n  - { id: after, agent: echo@, input: "{{user_input}}" }\n';
  expect((await http(chainmail.base, 'POST', '/v1/workflows', gated, 'application/yaml')).status).toBe(201);
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/gated/runs', {
    inputs: { user_input: 'go' },
  });
  const status = (want: string) => async () => {
    const run = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${started.body.runId}`);
    return run.body.status === want ? true : undefined;
  };
  await eventually(status('waiting'), 15_000, 'the run to wait at its checkpoint');
  await new Promise((r) => setTimeout(r, 300));
  const decided = await http(chainmail.base, 'POST', `/v1/runs/${started.body.runId}/checkpoints/gate`, {
    action: 'approve',
  });
  expect(decided.status).toBe(202);
  await eventually(status('succeeded'), 15_000, 'the approved run to succeed');

  await page.goto(`${chainmail.base}/analytics/gated`);
  const wait = page.locator(figure('checkpoint-wait'));
  await wait.waitFor();
  // The decision came at least 300 ms after the checkpoint opened.
  const [, amount, unit] = /^(\d+(?:\.\d+)?) (ms|s)$/.exec(await wait.innerText()) ?? [];
  expect(Number(amount) * (unit === 's' ? 1000 : 1)).toBeGreaterThanOrEqual(300);
  expect(await page.locator(stepCell('gate', 'p50')).innerText()).toMatch(/^wait \d/);
  await screenshot(page, 'analytics-03b-checkpoint-wait');
});

it('says what to do when a workflow has no runs yet', async () => {
  await page.goto(`${chainmail.base}/analytics/idle`);
  const empty = page.getByRole('status').filter({ hasText: 'No runs yet' });
  await empty.waitFor();
  expect(await empty.innerText()).toContain('Test Run');
  await empty.getByRole('link', { name: 'workflow page' }).click();
  await page.waitForURL(`${chainmail.base}/workflows/idle`);
  // The workflow page links back to its analytics.
  await page.locator('.page-title .actions').getByRole('link', { name: 'Analytics' }).click();
  await page.waitForURL(`${chainmail.base}/analytics/idle`);
  await screenshot(page, 'analytics-04-empty');
});

it("opens the run's trace from the run page, and the workflow's analytics", async () => {
  const run = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${failedRun}`);
  expect(run.body.traceId).toMatch(/^[0-9a-f]{32}$/);
  await page.goto(`${chainmail.base}/runs/${failedRun}`);
  const trace = page.getByRole('link', { name: 'Open trace' });
  await trace.waitFor();
  expect(await trace.getAttribute('href')).toBe(TEMPLATE.replace('{traceId}', run.body.traceId ?? ''));
  await screenshot(page, 'analytics-05-run-trace-link');
  await page.getByRole('link', { name: 'Analytics of measured' }).click();
  await page.getByRole('heading', { name: 'Analytics: measured' }).waitFor();
});

it('reads at phone width: no sideways scrolling, charts as wide as the screen', async () => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const [path, name] of [
    ['/analytics', 'analytics-06-overview-phone'],
    ['/analytics/measured', 'analytics-07-workflow-phone'],
  ]) {
    await page.goto(chainmail.base + path);
    await page.locator(figure('success-rate')).waitFor();
    await page.locator('.chart-canvas .recharts-bar-rectangle').first().waitFor();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      chart: Math.max(
        ...[...document.querySelectorAll('.chart-canvas svg')].map(
          (svg) => svg.getBoundingClientRect().width,
        ),
      ),
    }));
    expect(widths.page).toBeLessThanOrEqual(390);
    expect(widths.chart).toBeGreaterThan(250);
    await screenshot(page, name);
  }
});
