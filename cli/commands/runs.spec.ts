import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson, sendSse, sseFrames, type Route } from '../test/fake-api-server';
import { failedRun, RUN_ID, succeededRun, timedOutRun } from '../test/run-events.fixture';

describe('run commands', () => {
  let api: FakeApiServer;
  const run = (argv: string[], extra: { isTTY?: boolean; env?: Record<string, string> } = {}) =>
    cli(argv, { env: { CHAINMAIL_URL: api.url, ...extra.env }, isTTY: extra.isTTY });
  const start = async (routes: Record<string, Route> = {}) => {
    api = await FakeApiServer.start({
      'POST /v1/workflows/competitor-analysis/runs': (_req, res) => sendJson(res, 202, { runId: RUN_ID }),
      ...routes,
    });
  };

  afterEach(async () => {
    await api.close();
  });

  it('run prints the run id and sends --input k=v as strings and k:=json as JSON, over --inputs-file', async () => {
    await start();
    const dir = await mkdtemp(join(tmpdir(), 'chainmail-cli-'));
    const file = join(dir, 'inputs.json');
    await writeFile(file, JSON.stringify({ user_input: 'from file', region: 'EU' }));
    try {
      const result = await run([
        'run',
        'competitor-analysis',
        '--inputs-file',
        file,
        '--input',
        'user_input=CRM = sales',
        '--input',
        'depth:=3',
        '-i',
        'tags:=["a","b"]',
      ]);

      expect(result).toEqual({ code: 0, stdout: `${RUN_ID}\n`, stderr: '' });
      const req = api.last('POST', '/v1/workflows/competitor-analysis/runs');
      expect(req?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(req?.body ?? '')).toEqual({
        inputs: { user_input: 'CRM = sales', region: 'EU', depth: 3, tags: ['a', 'b'] },
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('run --json prints {"runId"}', async () => {
    await start();
    expect((await run(['run', 'competitor-analysis', '--json'])).stdout).toBe(`{"runId":"${RUN_ID}"}\n`);
  });

  it('a malformed --input is a usage error (exit 2) and starts nothing', async () => {
    await start();
    const noEquals = await run(['run', 'competitor-analysis', '--input', 'user_input']);
    const badJson = await run(['run', 'competitor-analysis', '--input', 'n:={oops']);

    expect([noEquals.code, badJson.code]).toEqual([2, 2]);
    expect(noEquals.stderr).toContain('expected KEY=VALUE or KEY:=JSON');
    expect(badJson.stderr).toContain('not valid JSON');
    expect(api.requests).toHaveLength(0);
  });

  it('run --follow renders a line per step from the SSE stream, then the status, time and output', async () => {
    // Frames split at awkward places, with a keep-alive comment and CRLF line ends.
    const raw = sseFrames(succeededRun).join('').replace(/\n/g, '\r\n');
    const pieces = [
      ': keep-alive\r\n\r\n',
      raw.slice(0, 7),
      raw.slice(7, 200),
      raw.slice(200, 201),
      raw.slice(201),
    ];
    await start({
      'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, pieces),
    });

    const result = await run(['run', 'competitor-analysis', '--follow']);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Run ${RUN_ID} · competitor-analysis v3`,
      '✓ research     research@    succeeded 12 ms',
      '✓ summarize    summarize@   succeeded 1.5 s',
      '',
      '✓ Run succeeded in 1.5 s',
      '',
      'Final report',
      'with two lines',
      '',
    ]);
    expect(api.last('GET', '/v1/runs/run_01JTEST/events')?.headers.accept).toBe('text/event-stream');
  });

  it('run --follow of a failing run shows attempts, the skipped step and the reason, and exits 1', async () => {
    await start({ 'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, sseFrames(failedRun)) });

    const result = await run(['run', 'competitor-analysis', '--follow']);

    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `Run ${RUN_ID} · competitor-analysis v3`,
      '✗ research     research@    failed    30 ms    AGENT_TIMEOUT: research@ did not answer',
      '✗ research     research@    failed    30 ms    attempt 2 · AGENT_TIMEOUT: research@ did not answer',
      '↷ summarize                 skipped            an earlier step failed',
      '',
      '✗ Run failed after 72 ms: research · AGENT_TIMEOUT: research@ did not answer',
      '',
    ]);
  });

  it('run --follow shows a scheduled retry, and a timed-out run exits 1 with its limit', async () => {
    await start({ 'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, sseFrames(timedOutRun)) });

    const result = await run(['run', 'competitor-analysis', '--follow']);

    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').slice(1)).toEqual([
      '✗ research     research@    failed    5.0 s    AGENT_TIMEOUT: no answer in 5 s',
      '↻ research     research@    retrying           in 2.0 s',
      '',
      '✗ Run timed out after 6.0 s: limit 6.0 s · at research',
      '',
    ]);
  });

  it('on a terminal, run --follow shows a running line and replaces it when the step ends', async () => {
    await start({ 'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, sseFrames(succeededRun)) });

    const result = await run(['run', 'competitor-analysis', '--follow'], {
      isTTY: true,
      env: { NO_COLOR: '1' },
    });

    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[1]).toBe('… research     research@    running');
    expect(lines[2]).toBe('\u001b[1A\u001b[2K✓ research     research@    succeeded 12 ms');
    expect(lines[3]).toBe('… summarize    summarize@   running');
  });

  it('run --follow --json prints one event per line', async () => {
    await start({ 'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, sseFrames(succeededRun)) });

    const result = await run(['run', 'competitor-analysis', '--follow', '--json']);

    expect(result.code).toBe(0);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual(succeededRun);
  });

  it('runs passes the filters as a query and prints a table', async () => {
    await start({
      'GET /v1/runs': (_req, res) =>
        sendJson(res, 200, {
          runs: [
            {
              id: 'run_2',
              workflow: 'competitor-analysis',
              version: 3,
              status: 'running',
              startedAt: '2025-03-01T11:59:50Z',
              trigger: 'email',
            },
            {
              id: 'run_1',
              workflow: 'competitor-analysis',
              version: 2,
              status: 'succeeded',
              startedAt: '2025-03-01T09:00:00Z',
              endedAt: '2025-03-01T09:00:45Z',
              durationMs: 45_000,
              trigger: { kind: 'cli' },
            },
          ],
        }),
    });

    const result = await run([
      'runs',
      '--workflow',
      'competitor-analysis',
      '--status',
      'running',
      '--limit',
      '5',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      'RUN    WORKFLOW             VERSION  STATUS     TRIGGER  STARTED   DURATION',
      'run_2  competitor-analysis  v3       running    email    10 s ago  -',
      'run_1  competitor-analysis  v2       succeeded  cli      3 h ago   45.0 s',
      '',
    ]);
    const query = api.last('GET', '/v1/runs')?.query;
    expect(Object.fromEntries(query ?? [])).toEqual({
      workflow: 'competitor-analysis',
      status: 'running',
      limit: '5',
    });
  });

  it('runs colours statuses only on a terminal without NO_COLOR', async () => {
    await start({
      'GET /v1/runs': (_req, res) =>
        sendJson(res, 200, { runs: [{ id: 'r', workflow: 'w', status: 'failed' }] }),
    });
    expect((await run(['runs'], { isTTY: true })).stdout).toContain('\u001b[31mfailed\u001b[39m');
    expect((await run(['runs'], { isTTY: true, env: { NO_COLOR: '1' } })).stdout).not.toContain('\u001b[');
    expect((await run(['runs'])).stdout).not.toContain('\u001b[');
  });

  it('runs with no runs says how to start one; --limit must be a positive integer', async () => {
    await start({ 'GET /v1/runs': (_req, res) => sendJson(res, 200, { runs: [] }) });
    expect((await run(['runs'])).stdout).toContain('No runs yet');
    expect((await run(['runs', '--limit', '0'])).code).toBe(2);
  });

  it('logs prints the run as a timeline', async () => {
    await start({
      'GET /v1/runs/run_01JTEST/events': (_req, res) => sendJson(res, 200, { events: failedRun }),
    });

    const result = await run(['logs', RUN_ID]);

    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `Run ${RUN_ID} · competitor-analysis v3 · started 2025-03-01T11:59:00.000Z`,
      '11:59:00.000  RunStarted                        competitor-analysis v3 · trigger cli · inputs user_input',
      '11:59:00.001  StepStarted       research        research@',
      '11:59:00.031  StepFailed        research        AGENT_TIMEOUT: research@ did not answer · 30 ms',
      '11:59:00.040  StepStarted       research        research@ · attempt 2',
      '11:59:00.070  StepFailed        research        AGENT_TIMEOUT: research@ did not answer · attempt 2 · 30 ms',
      '11:59:00.071  StepSkipped       summarize       an earlier step failed',
      '11:59:00.072  RunFailed         research        AGENT_TIMEOUT: research@ did not answer · 72 ms',
      '',
    ]);
    expect(api.last('GET', '/v1/runs/run_01JTEST/events')?.headers.accept).toBe('application/json');
  });

  it('logs --follow streams the timeline until the run ends', async () => {
    await start({ 'GET /v1/runs/run_01JTEST/events': (_req, res) => sendSse(res, sseFrames(succeededRun)) });

    const result = await run(['logs', RUN_ID, '--follow']);

    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(succeededRun.length + 1);
    expect(lines[lines.length - 1]).toBe(
      '11:59:01.520  RunSucceeded                      1.5 s · output "Final report with two lines"',
    );
  });

  it('logs of an unknown run prints the error and exits 1', async () => {
    await start({
      'GET /v1/runs/nope/events': (_req, res) =>
        sendJson(res, 404, { error: { code: 'RUN_NOT_FOUND', message: 'no run "nope"' } }),
    });

    expect(await run(['logs', 'nope'])).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error RUN_NOT_FOUND: no run "nope"\n',
    });
  });

  it('cancel posts to the run', async () => {
    await start({ 'POST /v1/runs/run_01JTEST/cancel': (_req, res) => sendJson(res, 202, { runId: RUN_ID }) });

    expect(await run(['cancel', RUN_ID])).toEqual({
      code: 0,
      stdout: `${RUN_ID}: cancel requested\n`,
      stderr: '',
    });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /v1/runs/run_01JTEST/cancel']);
  });

  it.each([
    ['succeeded', 'has already succeeded'],
    ['failed', 'has already failed'],
    ['cancelled', 'has already been cancelled'],
  ])('cancel of a %s run says so and exits 1', async (status, said) => {
    await start({
      'POST /v1/runs/run_01JTEST/cancel': (_req, res) =>
        sendJson(res, 202, { runId: RUN_ID, status, cancelRequested: true }),
    });

    expect(await run(['cancel', RUN_ID])).toEqual({
      code: 1,
      stdout: '',
      stderr: `${RUN_ID} ${said}: there is nothing to cancel.\n`,
    });
  });

  it('cancel of a running run is requested', async () => {
    await start({
      'POST /v1/runs/run_01JTEST/cancel': (_req, res) =>
        sendJson(res, 202, { runId: RUN_ID, status: 'running', cancelRequested: true }),
    });
    expect((await run(['cancel', RUN_ID])).stdout).toBe(`${RUN_ID}: cancel requested\n`);
  });
});
