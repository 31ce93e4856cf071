import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@chainmail/testing';
import parsePrometheusTextFormat, { type ParsedFamily } from 'parse-prometheus-text-format';
import {
  ADMIN_TOKEN,
  eventually,
  http,
  ROOT,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/**
 * Analytics and metrics as a user meets them, each service in its own process: a few runs, then
 * `GET /v1/analytics/workflows/:name`, `chainmail stats NAME`, the same figures after a replay,
 * ingress's `/metrics` and execution's on its own metrics port, read with a Prometheus text parser.
 */

let chainmail: ChainmailUnderTest;
let executionMetrics: string;
const runFile = promisify(execFile);

beforeAll(async () => {
  chainmail = await startChainmail(['registry', 'projector', 'ingress']);
  // Execution alone gets a metrics port (the processes share their environment otherwise).
  const port = await freePort();
  chainmail.env.CHAINMAIL_METRICS_PORT = String(port);
  await chainmail.start('execution');
  delete chainmail.env.CHAINMAIL_METRICS_PORT;
  executionMetrics = `http://127.0.0.1:${port}/metrics`;
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

interface Figures {
  runs: number;
  succeeded: number;
  successRate: number | null;
  latencyMs: { p50: number | null };
  steps: Array<{
    id: string;
    agent: string;
    runs: number;
    successRate: number;
    latencyMs: { p50: number | null };
  }>;
}

async function scrape(url: string): Promise<ParsedFamily[]> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return parsePrometheusTextFormat(await res.text());
}

const value = (families: ParsedFamily[], name: string, labels: Record<string, string>): string | undefined =>
  families
    .find((f) => f.name === name)
    ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;

it('gives the figures of a few runs through the API, the CLI, a replay and /metrics', async () => {
  const definition = [
    'name: measured',
    'steps:',
    '  - name: a',
    '    agent: echo@',
    '    input: "{{user_input}}"',
    '  - name: b',
    '    agent: uppercase@',
    '    input: "{{a.output}}"',
    '',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', definition, 'application/yaml')).status).toBe(
    201,
  );
  const ids: string[] = [];
  for (const input of ['one', 'two', 'three']) {
    const { body } = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/measured/runs', {
      inputs: { user_input: input },
    });
    ids.push(body.runId);
  }
  for (const id of ids) {
    await eventually(async () => {
      const res = await http<{ status: string }>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return res.body.status === 'succeeded' ? true : undefined;
    });
  }

  const figures = await eventually(async () => {
    const res = await http<Figures>(chainmail.base, 'GET', '/v1/analytics/workflows/measured');
    return res.body.steps?.every((s) => s.runs === 3) ? res.body : undefined;
  });
  expect(figures).toMatchObject({ runs: 3, succeeded: 3, successRate: 1 });
  expect(figures.latencyMs.p50).toEqual(expect.any(Number));
  expect(figures.steps.map((s) => [s.id, s.agent, s.runs, s.successRate])).toEqual([
    ['a', 'echo@', 3, 1],
    ['b', 'uppercase@', 3, 1],
  ]);

  const stats = await runFile(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), 'stats', 'measured'], {
    env: { ...process.env, CHAINMAIL_URL: chainmail.base, CHAINMAIL_TOKEN: ADMIN_TOKEN, NO_COLOR: '1' },
  });
  expect(stats.stdout).toContain('Runs:     3 (3 succeeded, 0 failed)');
  expect(stats.stdout).toContain('Success:  100%');
  expect(stats.stdout).toMatch(/^a\s+echo@\s+3\s+100%/m);
  expect(stats.stdout).toMatch(/^b\s+uppercase@\s+3\s+100%/m);

  // Rebuilt from the log: the same figures.
  expect((await http(chainmail.base, 'POST', '/v1/admin/replay', {})).status).toBe(202);
  await eventually(async () => {
    const res = await http<{ done: boolean }>(chainmail.base, 'GET', '/v1/admin/replay');
    return res.body.done ? true : undefined;
  }, 30_000);
  const rebuilt = await http<Figures>(chainmail.base, 'GET', '/v1/analytics/workflows/measured');
  expect(rebuilt.body).toEqual({
    ...figures,
    until: expect.any(String),
    since: expect.any(String),
    series: expect.any(Array),
  });

  // Execution counts what it appended; ingress shows every durable consumer's lag.
  const counted = await scrape(executionMetrics);
  expect(value(counted, 'chainmail_runs_total', { workflow: 'measured', status: 'succeeded' })).toBe('3');
  expect(
    value(counted, 'chainmail_steps_total', { workflow: 'measured', step: 'a', status: 'succeeded' }),
  ).toBe('3');
  expect(counted.find((f) => f.name === 'chainmail_agent_call_duration_seconds')?.type).toBe('HISTOGRAM');
  expect(counted.some((f) => f.name === 'process_resident_memory_bytes')).toBe(true);
  const edge = await scrape(`${chainmail.base}/metrics`);
  const lag = edge.find((f) => f.name === 'chainmail_jetstream_consumer_pending_messages');
  expect(lag?.metrics.map((m) => m.labels?.durable)).toEqual(
    expect.arrayContaining(['projector', 'execution-commands', 'execution-events']),
  );
  const labels = [...counted, ...edge].flatMap((f) =>
    f.metrics.flatMap((m) => Object.values(m.labels ?? {})),
  );
  expect(labels.filter((l) => ids.some((id) => l.includes(id)))).toEqual([]);
}, 90_000);
