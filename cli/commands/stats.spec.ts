import { cli, TEST_NOW } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';
import { sinceTime, sparkline } from './stats';

const P = { p50: null, p95: null, p99: null };
const FIGURES = {
  workflow: 'competitor-analysis',
  version: null,
  since: '2025-02-28T12:00:00.000Z',
  until: '2025-03-01T12:00:00.000Z',
  bucket: 'hour',
  runs: 12,
  succeeded: 9,
  failed: 1,
  cancelled: 1,
  running: 1,
  successRate: 0.9,
  latencyMs: { p50: 4_100, p95: 9_800, p99: 12_000 },
  cost: 0.125,
  tokens: 5400,
  costPerRun: 0.0104,
  steps: [
    {
      id: 'research',
      agent: 'research@',
      kind: 'agent',
      runs: 12,
      succeeded: 11,
      failed: 0,
      successRate: 1,
      latencyMs: { p50: 1_500, p95: 3_000, p99: 3_200 },
      retries: 2,
      cost: 0.05,
      tokens: 2000,
      errors: [{ code: 'AGENT_TIMEOUT', count: 2 }],
      waitMs: null,
    },
    {
      id: 'approve',
      agent: null,
      kind: 'checkpoint',
      runs: 3,
      succeeded: 3,
      failed: 0,
      successRate: 1,
      latencyMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
      retries: 0,
      cost: 0,
      tokens: 0,
      errors: [],
      waitMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
    },
  ],
  errors: [{ code: 'STEP_FAILED', count: 1 }],
  checkpoints: {
    opened: 3,
    resolved: 3,
    waitMs: { p50: 60_000, p95: 60_000, p99: 60_000 },
    totalWaitMs: 180_000,
  },
  versions: [],
  series: [0, 2, 8, 2].map((runs, i) => ({
    at: `2025-03-01T0${i}:00:00.000Z`,
    runs,
    succeeded: runs,
    failed: 0,
    successRate: runs === 0 ? null : i === 3 ? 0.5 : 1,
    latencyMs: P,
    cost: 0,
  })),
};

describe('chainmail stats', () => {
  let api: FakeApiServer;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });

  beforeEach(async () => {
    api = await FakeApiServer.start({
      'GET /v1/analytics/workflows/competitor-analysis': (_req, res) => sendJson(res, 200, FIGURES),
      'GET /v1/analytics/overview': (_req, res) =>
        sendJson(res, 200, {
          ...FIGURES,
          workflow: undefined,
          steps: undefined,
          workflows: [{ ...FIGURES, workflow: 'competitor-analysis' }],
        }),
    });
  });
  afterEach(async () => {
    await api.close();
  });

  it("prints a workflow's figures, a trend line and its steps as a table", async () => {
    const result = await run(['stats', 'competitor-analysis', '--since', '24h']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(api.last('GET', '/v1/analytics/workflows/competitor-analysis')?.query.get('since')).toBe(
      '2025-02-28T12:00:00.000Z',
    );
    expect(result.stdout).toBe(
      [
        'competitor-analysis  runs started 2025-02-28 12:00 → 2025-03-01 12:00 UTC',
        '',
        'Runs:     12 (9 succeeded, 1 failed, 1 cancelled, 1 running)',
        'Success:  90%',
        'Latency:  p50 4.1 s  p95 9.8 s  p99 12.0 s',
        'Cost:     $0.13  (5400 tokens)',
        'Waiting:  3/3 checkpoints answered, p50 1 m 00 s, 3 m 00 s in all',
        'Trend:    runs    ▁▃█▃  per hour, 2025-03-01 00:00 → now',
        '          success  ██▅',
        '',
        'Steps',
        'STEP      AGENT       RUNS  SUCCESS  P50       P95       P99       RETRIES  COST',
        'research  research@   12    100%     1.5 s     3.0 s     3.2 s     2        $0.05',
        'approve   checkpoint  3     100%     1 m 00 s  1 m 00 s  1 m 00 s  0        -',
        '',
        'Failures',
        '  STEP_FAILED × 1',
        '',
      ].join('\n'),
    );
  });

  it('without NAME prints every workflow, and --json the API answer', async () => {
    const overview = await run(['stats']);
    expect(overview.code).toBe(0);
    expect(overview.stdout).toContain('All workflows');
    expect(overview.stdout).toMatch(/competitor-analysis\s+12\s+90%\s+4\.1 s\s+9\.8 s\s+\$0\.13/);
    const json = await run(['stats', 'competitor-analysis', '--json', '--at-version', '2']);
    expect(JSON.parse(json.stdout)).toEqual(FIGURES);
    expect(api.last('GET', '/v1/analytics/workflows/competitor-analysis')?.query.get('version')).toBe('2');
  });

  it('refuses a --since it cannot read, saying what it takes', async () => {
    const result = await run(['stats', '--since', 'last week']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--since must be a duration (30m, 24h, 7d, 2w) or an ISO time');
  });
});

describe('sparkline and sinceTime', () => {
  it('scales to the largest value (or the given top), a gap for null', () => {
    expect(sparkline([0, 1, 2, 4])).toBe('▁▃▅█');
    expect(sparkline([null, 0.5, 1], 1)).toBe(' ▅█');
    expect(sparkline([0, 0])).toBe('▁▁');
  });

  it('reads durations back from now, and ISO times', () => {
    expect(sinceTime('30m', TEST_NOW)).toBe('2025-03-01T11:30:00.000Z');
    expect(sinceTime('2w', TEST_NOW)).toBe('2025-02-15T12:00:00.000Z');
    expect(sinceTime('2025-01-01T00:00:00Z', TEST_NOW)).toBe('2025-01-01T00:00:00.000Z');
  });
});
