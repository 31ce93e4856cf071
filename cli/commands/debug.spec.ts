import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson, sendSse, sseFrames } from '../test/fake-api-server';
import { RUN_ID as FOLLOWED, succeededRun } from '../test/run-events.fixture';
import { stateChanges } from './runs';

const RUN_ID = '7d0c1f7e-5c5c-4b8a-9a57-0d6f4c2f5e11';

/** A two-step run the fake API moves on as the session steps it: a, then b, then the end. */
function debuggedRun() {
  const steps: { stepId: string; status: string; visit: number; output: string | null; error: null }[] = [];
  let at: 'a' | 'b' | 'end' = 'a';
  let bInput = 'resolved input of b';
  const view = () => ({
    id: RUN_ID,
    status: at === 'end' ? 'succeeded' : 'paused',
    pausedAt: at === 'end' ? null : { step: at, visit: 1, input: at === 'a' ? 'Research crm' : bInput },
    output: at === 'end' ? `B: ${bInput}` : null,
    error: null,
    steps,
  });
  const release = (input?: string, toEnd = false) => {
    if (at === 'a') {
      steps.push({ stepId: 'a', status: 'succeeded', visit: 1, output: 'A done', error: null });
      at = toEnd ? 'end' : 'b';
    } else if (at === 'b') {
      if (input !== undefined) bInput = input;
      steps.push({ stepId: 'b', status: 'succeeded', visit: 1, output: `B: ${bInput}`, error: null });
      at = 'end';
    }
  };
  return { view, release };
}

describe('debug', () => {
  let api: FakeApiServer;
  afterEach(async () => api?.close());

  async function serve(run = debuggedRun()) {
    api = await FakeApiServer.start({
      'POST /v1/workflows/wf/runs': (_req, res) => sendJson(res, 202, { runId: RUN_ID }),
      [`GET /v1/runs/${RUN_ID}`]: (_req, res) => sendJson(res, 200, run.view()),
      [`POST /v1/runs/${RUN_ID}/step`]: (req, res) => {
        run.release((JSON.parse(req.body) as { input?: string }).input);
        sendJson(res, 202, { accepted: true });
      },
      [`POST /v1/runs/${RUN_ID}/resume`]: (_req, res) => {
        run.release(undefined, true);
        sendJson(res, 202, { accepted: true });
      },
    });
  }

  it('starts a debug run, shows each pause with its input, steps, edits an input, reads commands piped line by line', async () => {
    await serve();
    const result = await cli(['debug', 'wf', '--input', 'topic=crm'], {
      env: { CHAINMAIL_URL: api.url },
      stdin: ['step', 'edit', 'my own input'],
    });
    expect(result.code).toBe(0);
    expect(JSON.parse(api.last('POST', '/v1/workflows/wf/runs')?.body ?? '')).toEqual({
      inputs: { topic: 'crm' },
      debug: true,
    });
    expect(result.stdout).toContain(`Debugging run ${RUN_ID} of wf: pauses before each step.`);
    expect(result.stdout).toMatch(/Paused before a\.\n {2}input: Research crm/);
    expect(result.stdout).toMatch(/Paused before b\.\n {2}input: resolved input of b/);
    expect(result.stdout).toMatch(/a succeeded → A done/);
    expect(result.stdout).toMatch(/b succeeded → B: my own input/);
    expect(result.stdout).toMatch(new RegExp(`Run ${RUN_ID} succeeded\\.\\nB: my own input`));
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN_ID}/step`)?.body ?? '')).toEqual({
      input: 'my own input',
    });
  });

  it('pause asks a running run to pause, then steps it like debug does', async () => {
    const run = debuggedRun();
    let pauseAsked = false;
    const view = () => (pauseAsked ? run.view() : { ...run.view(), status: 'running', pausedAt: null });
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN_ID}/pause`]: (_req, res) => {
        pauseAsked = true;
        sendJson(res, 202, { runId: RUN_ID, accepted: true });
      },
      [`GET /v1/runs/${RUN_ID}`]: (_req, res) => sendJson(res, 200, view()),
      [`POST /v1/runs/${RUN_ID}/step`]: (_req, res) => {
        run.release();
        sendJson(res, 202, { accepted: true });
      },
    });
    const result = await cli(['pause', RUN_ID], { env: { CHAINMAIL_URL: api.url }, stdin: ['s', 'q'] });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Run ${RUN_ID} pauses before its next step`);
    expect(result.stdout).toMatch(/Paused before a\.\n {2}input: Research crm/);
    expect(result.stdout).toMatch(/Paused before b\./);
    expect(result.stdout).toContain(`Left run ${RUN_ID} paused before b`);
  });

  it('pause of an ended run says why it cannot', async () => {
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN_ID}/pause`]: (_req, res) =>
        sendJson(res, 409, {
          error: {
            code: 'CONFLICT',
            message: `Run ${RUN_ID} has ended (succeeded): there is nothing to pause.`,
          },
        }),
    });
    const result = await cli(['pause', RUN_ID], { env: { CHAINMAIL_URL: api.url } });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('there is nothing to pause');
  });

  it('continue runs on to the end; an unknown command is explained and asked again', async () => {
    await serve();
    const result = await cli(['debug', 'wf'], { env: { CHAINMAIL_URL: api.url }, stdin: ['go', 'c'] });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /"go" is not a debugger command: \[s\]tep, \[c\]ontinue, \[e\]dit input, \[q\]uit/,
    );
    expect(api.last('POST', `/v1/runs/${RUN_ID}/resume`)).toBeDefined();
  });

  it('quit (or the end of the input) leaves the run paused and says how to go on', async () => {
    await serve();
    const result = await cli(['debug', 'wf', '--break', 'b'], { env: { CHAINMAIL_URL: api.url }, stdin: [] });
    expect(result.code).toBe(0);
    expect(JSON.parse(api.last('POST', '/v1/workflows/wf/runs')?.body ?? '')).toMatchObject({
      breakpoints: ['b'],
    });
    expect(result.stdout).toMatch(new RegExp(`Left run ${RUN_ID} paused before a`));
    expect(api.last('POST', `/v1/runs/${RUN_ID}/step`)).toBeUndefined();
  });

  it('rewind and fork send what they are told', async () => {
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN_ID}/rewind`]: (_req, res) => sendJson(res, 202, { accepted: true }),
      [`POST /v1/runs/${RUN_ID}/fork`]: (_req, res) =>
        sendJson(res, 202, { runId: 'new-run', version: 2, forkedFrom: { runId: RUN_ID } }),
    });
    const env = { CHAINMAIL_URL: api.url };
    const rewound = await cli(['rewind', RUN_ID, '--to', 'b'], { env });
    expect(rewound.code).toBe(0);
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN_ID}/rewind`)?.body ?? '')).toEqual({ step: 'b' });
    const forked = await cli(['fork', RUN_ID, '--from', 'b', '--version', '2'], { env });
    expect(forked.stdout).toBe(`Run new-run forked from ${RUN_ID} at b on version 2.\n`);
    expect(JSON.parse(api.last('POST', `/v1/runs/${RUN_ID}/fork`)?.body ?? '')).toEqual({
      step: 'b',
      version: 2,
    });
  });
});

describe('fork --follow', () => {
  let api: FakeApiServer;
  afterEach(async () => api?.close());

  it('follows the new run to its end', async () => {
    api = await FakeApiServer.start({
      [`POST /v1/runs/${RUN_ID}/fork`]: (_req, res) =>
        sendJson(res, 202, { runId: FOLLOWED, version: 3, forkedFrom: { runId: RUN_ID } }),
      [`GET /v1/runs/${FOLLOWED}/events`]: (_req, res) => sendSse(res, sseFrames(succeededRun)),
    });
    const result = await cli(['fork', RUN_ID, '--from', 'summarize', '--follow'], {
      env: { CHAINMAIL_URL: api.url },
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`Run ${FOLLOWED} forked from ${RUN_ID} at summarize on version 3`),
    );
    expect(result.stdout).toMatch(/✓ Run succeeded/);
  });
});

describe('logs --states: what a commit changed', () => {
  const step = (stepId: string, status: string, extra: Record<string, unknown> = {}) => ({
    stepId,
    status,
    visit: 1,
    attempts: 1,
    output: null,
    error: null,
    pending: false,
    ...extra,
  });

  it('names the run status, the pause, and each step that moved', () => {
    const paused = { status: 'paused', pausedAt: { step: 'a' }, output: null, error: null, steps: [] };
    expect(stateChanges(undefined, paused)).toEqual(['run: paused before a']);
    const running = { ...paused, status: 'running', pausedAt: null, steps: [step('a', 'running')] };
    expect(stateChanges(paused, running)).toEqual([
      'run: paused → running',
      'a: running (visit 1, attempt 1)',
    ]);
    const done = { ...running, steps: [step('a', 'succeeded', { output: 'found it' })] };
    expect(stateChanges(running, done)).toEqual([
      'a: running (visit 1, attempt 1) → succeeded (visit 1, attempt 1), output "found it"',
    ]);
  });
});
