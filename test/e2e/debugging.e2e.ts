import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoredRunCommit } from '@chainmail/contracts';
import { foldCommits } from '@chainmail/engine';
import { listen, type LocalServer } from '../support/local-agents';
import {
  ADMIN_TOKEN,
  eventually,
  http,
  ROOT,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/**
 * Step-by-step debugging, rewind, fork and time travel against the built all-in-one process,
 * through REST.
 */

interface RunBody {
  id: string;
  status: string;
  version: number;
  output: string | null;
  pausedAt: { step: string; visit: number; input?: string } | null;
  forkedFrom: { runId: string; seq: number; step: string } | null;
  failure: {
    step: string | null;
    input: string | null;
    error: { code: string };
    attempts: { attempt: number; error: { code: string; message: string } }[];
    policy: { onError: string; did: string } | null;
  } | null;
  steps: { stepId: string; status: string; visit: number; output: string | null; input: string | null }[];
}
interface LoggedEvent {
  type: string;
  seq: number;
  runId: string;
  v: number;
  at: string;
  data: Record<string, unknown>;
}

const CHAIN_V1 = `
name: debug-chain
inputs:
  - { name: topic, type: string, required: true }
steps:
  - id: research
    agent: echo@
    input: "Research {{topic}}"
  - id: shout
    agent: uppercase@
    input: "{{ research.output }}"
  - id: final
    agent: echo@
    input: "Done: {{ shout.output }}"
`;
const CHAIN_V2 = CHAIN_V1.replace('Done: {{ shout.output }}', 'Finished (v2): {{ shout.output }}');

const FIXABLE = `
name: fixable
inputs:
  - { name: topic, type: string, required: true }
steps:
  - id: research
    agent: echo@
    input: "Research {{topic}}"
  - id: fix
    agent: fixme@
    input: "Fix {{ research.output }}"
`;

let chainmail: ChainmailUnderTest;
let agent: LocalServer;

beforeAll(async () => {
  // fixme@'s receiver: /broken fails, /ok answers.
  agent = await listen((body, req, res) => {
    if (req.url === '/broken') {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: 'the agent is broken' }));
      return;
    }
    const payload = JSON.parse(body) as { input: string };
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `fixed: ${payload.input}` }));
  });
  chainmail = await startChainmail(['all-in-one'], { CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true' });
  await registerFixme('/broken');
  await publish(CHAIN_V1);
  await publish(FIXABLE);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await agent?.close();
});

async function registerFixme(path: string): Promise<void> {
  const put = await http(chainmail.base, 'PUT', '/v1/agents/fixme@', {
    kind: 'http',
    config: { url: `${agent.url}${path}` },
  });
  expect(put.status).toBe(200);
}

async function publish(source: string): Promise<number> {
  const res = await http<{ version: number }>(
    chainmail.base,
    'POST',
    '/v1/workflows',
    source,
    'application/yaml',
  );
  if (res.status !== 201) throw new Error(`publish failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.version;
}

async function run(id: string): Promise<RunBody> {
  const res = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

const until = (id: string, what: string, test: (run: RunBody) => boolean): Promise<RunBody> =>
  eventually(
    async () => {
      const res = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return res.status === 200 && test(res.body) ? res.body : undefined;
    },
    20_000,
    `run ${id}: ${what}`,
  );

const pausedAt = (id: string, step: string): Promise<RunBody> =>
  until(id, `paused at ${step}`, (r) => r.status === 'paused' && r.pausedAt?.step === step);

async function events(id: string): Promise<LoggedEvent[]> {
  const res = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${id}/events`);
  expect(res.status).toBe(200);
  return res.body.events;
}

/** The log as commits, as the run's subject holds them. */
function commitsOf(id: string, logged: LoggedEvent[]): StoredRunCommit[] {
  const commits: StoredRunCommit[] = [];
  for (const { seq, ...event } of logged) {
    const last = commits[commits.length - 1];
    if (last?.seq === seq) last.events.push(event as never);
    else commits.push({ runId: id, prev: last?.seq ?? 0, seq, events: [event as never] });
  }
  return commits;
}

let debugged = '';

it('a debug run pauses before each step with its resolved input; step, step with a new input, resume', async () => {
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/debug-chain/runs', {
    inputs: { topic: 'crm' },
    debug: true,
  });
  expect(started.status).toBe(202);
  debugged = started.body.runId;

  const first = await pausedAt(debugged, 'research');
  expect(first.pausedAt).toMatchObject({ step: 'research', visit: 1, input: 'Research crm' });
  expect(first.steps).toEqual([]);

  const stepped = await http(chainmail.base, 'POST', `/v1/runs/${debugged}/step`, {});
  expect(stepped.status).toBe(202);
  const second = await pausedAt(debugged, 'shout');
  expect(second.pausedAt?.input).toBe('Research crm');
  expect(second.steps.map((s) => [s.stepId, s.status, s.output])).toEqual([
    ['research', 'succeeded', 'Research crm'],
  ]);

  // The input is replaced for this step only.
  expect(
    (await http(chainmail.base, 'POST', `/v1/runs/${debugged}/step`, { input: 'edited by hand' })).status,
  ).toBe(202);
  const third = await pausedAt(debugged, 'final');
  expect(third.pausedAt?.input).toBe('Done: EDITED BY HAND');

  expect((await http(chainmail.base, 'POST', `/v1/runs/${debugged}/resume`)).status).toBe(202);
  const done = await until(debugged, 'succeeded', (r) => r.status === 'succeeded');
  expect(done.output).toBe('Done: EDITED BY HAND');
  expect(done.pausedAt).toBeNull();

  // Nothing to step any more: a clear conflict.
  const late = await http<{ error: { code: string; message: string } }>(
    chainmail.base,
    'POST',
    `/v1/runs/${debugged}/step`,
    {},
  );
  expect(late.status).toBe(409);
  expect(late.body.error.message).toMatch(/is not paused \(it is succeeded\)/);

  const types = (await events(debugged)).map((e) => e.type);
  expect(types.filter((t) => t === 'RunPaused')).toHaveLength(3);
  expect(types).toEqual(expect.arrayContaining(['RunStepped', 'RunResumed', 'RunSucceeded']));
});

it('breakpoints that name no top-level step are refused with the steps there are', async () => {
  const res = await http<{ error: { message: string } }>(
    chainmail.base,
    'POST',
    '/v1/workflows/debug-chain/runs',
    { inputs: { topic: 'crm' }, breakpoints: ['nope'] },
  );
  expect(res.status).toBe(422);
  expect(res.body.error.message).toMatch(
    /"nope" is not a top-level step of debug-chain .*research, shout, final/,
  );
});

it('time travel: the state at every commit is the log folded up to it', async () => {
  const logged = await events(debugged);
  const commits = commitsOf(debugged, logged);
  // Start, then one commit per step or resume (instant builtins' results ride in it).
  expect(commits.length).toBeGreaterThanOrEqual(4);
  for (let i = 0; i < commits.length; i++) {
    const at = commits[i].seq;
    const res = await http<{
      seq: number;
      status: string;
      output: string | null;
      pausedAt: { step: string } | null;
      steps: { stepId: string; status: string; output: string | null; input: string | null }[];
    }>(chainmail.base, 'GET', `/v1/runs/${debugged}/state?at=${at}`);
    expect(res.status).toBe(200);
    const folded = foldCommits(debugged, commits.slice(0, i + 1));
    expect(res.body.seq).toBe(at);
    expect(res.body.status).toBe(folded.paused && folded.status === 'running' ? 'paused' : folded.status);
    expect(res.body.pausedAt?.step ?? null).toBe(
      folded.status === 'running' ? (folded.paused?.stepId ?? null) : null,
    );
    expect(res.body.output).toBe(folded.output ?? null);
    expect(res.body.steps.map((s) => [s.stepId, s.status, s.input, s.output])).toEqual(
      Object.entries(folded.steps).map(([id, s]) => [id, s.status, s.input ?? null, s.output ?? null]),
    );
  }
  const last = commits[commits.length - 1].seq;
  const past = await http<{ error: { message: string } }>(
    chainmail.base,
    'GET',
    `/v1/runs/${debugged}/state?at=${last + 1000}`,
  );
  expect(past.status).toBe(422);
  expect(past.body.error.message).toMatch(/past its end/);
});

it('a failed run shows why; once its agent is fixed, a rewind to the failed step finishes it', async () => {
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/fixable/runs', {
    inputs: { topic: 'erp' },
  });
  const id = started.body.runId;
  const failed = await until(id, 'failed', (r) => r.status === 'failed');
  expect(failed.failure).toMatchObject({
    step: 'fix',
    input: 'Fix Research erp',
    attempts: [{ attempt: 1 }],
    policy: { onError: 'abort' },
  });
  expect(failed.failure?.policy?.did).toMatch(/tried once; on_error: abort failed the run/);

  const refused = await http<{ error: { message: string } }>(
    chainmail.base,
    'POST',
    `/v1/runs/${id}/rewind`,
    {
      step: 'nowhere',
    },
  );
  expect(refused.status).toBe(422);
  expect(refused.body.error.message).toMatch(/no step "nowhere"/);

  await registerFixme('/ok');
  const rewound = await http(chainmail.base, 'POST', `/v1/runs/${id}/rewind`, { step: 'fix' });
  expect(rewound.status).toBe(202);
  const done = await until(id, 'succeeded after the rewind', (r) => r.status === 'succeeded');
  expect(done.output).toBe('fixed: Fix Research erp');
  expect(done.failure).toBeNull();
  expect(done.steps.find((s) => s.stepId === 'fix')).toMatchObject({ status: 'succeeded', visit: 2 });
  // The log keeps the whole history: the failure, the rewind, the second visit.
  const types = (await events(id)).map((e) => e.type);
  expect(types).toEqual(
    expect.arrayContaining(['StepFailed', 'RunFailed', 'RunRewound', 'StepSucceeded', 'RunSucceeded']),
  );
  expect(types.indexOf('RunRewound')).toBeGreaterThan(types.indexOf('RunFailed'));
  // And the run as it was when it failed is still there to read.
  const failedAt = (await events(id)).find((e) => e.type === 'RunFailed')?.seq ?? 0;
  const before = await http<{ status: string; steps: { stepId: string; status: string; error: unknown }[] }>(
    chainmail.base,
    'GET',
    `/v1/runs/${id}/state?at=${failedAt}`,
  );
  expect(before.body.status).toBe('failed');
  expect(before.body.steps.find((s) => s.stepId === 'fix')).toMatchObject({ status: 'failed' });
});

it('a fork on another version carries the earlier results and starts from the step', async () => {
  const v2 = await publish(CHAIN_V2);
  const forked = await http<{ runId: string; version: number; forkedFrom: { runId: string; step: string } }>(
    chainmail.base,
    'POST',
    `/v1/runs/${debugged}/fork`,
    { step: 'final', version: v2 },
  );
  expect(forked.status).toBe(202);
  expect(forked.body).toMatchObject({ version: v2, forkedFrom: { runId: debugged, step: 'final' } });
  const id = forked.body.runId;
  const done = await until(id, 'succeeded', (r) => r.status === 'succeeded');
  expect(done.version).toBe(v2);
  expect(done.output).toBe('Finished (v2): EDITED BY HAND');
  expect(done.forkedFrom).toMatchObject({ runId: debugged, step: 'final' });
  expect(done.steps.map((s) => [s.stepId, s.status])).toEqual([
    ['research', 'succeeded'],
    ['shout', 'succeeded'],
    ['final', 'succeeded'],
  ]);
  // Carried, not run again: the new run started only the fork's step.
  const started = (await events(id)).filter((e) => e.type === 'StepStarted').map((e) => e.data.stepId);
  expect(started).toEqual(['final']);
  // The source is untouched.
  expect((await run(debugged)).output).toBe('Done: EDITED BY HAND');
});

/** The built CLI as a process, its stdin piped from `stdin`. */
function cli(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), ...args], {
      env: {
        ...process.env,
        CHAINMAIL_URL: chainmail.base,
        CHAINMAIL_TOKEN: ADMIN_TOKEN,
        NO_COLOR: '1',
        XDG_CONFIG_HOME: join(tmpdir(), 'chainmail-debug-e2e-nowhere'),
      },
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

it('the CLI starts a debug run and steps it to the end, commands piped line by line; logs --states shows each commit', async () => {
  const session = await cli(
    ['debug', 'debug-chain', '--input', 'topic=cli'],
    'step\nstep\nedit\nfrom the cli\n',
  );
  expect(session.stderr).toBe('');
  expect(session.code).toBe(0);
  const runId = /Debugging run ([0-9a-f-]{36})/.exec(session.stdout)?.[1] ?? '';
  expect(runId).not.toBe('');
  expect(session.stdout).toMatch(/Paused before research\.\n {2}input: Research cli/);
  expect(session.stdout).toMatch(/Paused before shout\.\n {2}input: Research cli/);
  expect(session.stdout).toMatch(/Paused before final\.\n {2}input: .*RESEARCH CLI/);
  expect(session.stdout).toMatch(/shout succeeded → RESEARCH CLI/);
  expect(session.stdout).toMatch(new RegExp(`Run ${runId} succeeded\\.\\nfrom the cli`));
  expect((await run(runId)).status).toBe('succeeded');

  const states = await cli(['logs', runId, '--states']);
  expect(states.code).toBe(0);
  expect(states.stdout).toMatch(/#\d+ RunStarted, RunPaused:?.*\n {4}run: paused before research/);
  expect(states.stdout).toMatch(
    /research: (running \(visit 1, attempt 1\) → )?succeeded \(visit 1, attempt 1\), output "Research cli"/,
  );
  expect(states.stdout).toMatch(/run: paused → succeeded|run: running → succeeded/);
});

it('chainmail rewind --follow shows the log, then the rewound run to its new end', async () => {
  await registerFixme('/broken');
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/fixable/runs', {
    inputs: { topic: 'wms' },
  });
  const id = started.body.runId;
  await until(id, 'failed', (r) => r.status === 'failed');
  await registerFixme('/ok');
  const rewound = await cli(['rewind', id, '--to', 'fix', '--follow']);
  expect(rewound.stderr).toBe('');
  expect(rewound.code).toBe(0);
  expect(rewound.stdout).toMatch(new RegExp(`Run ${id} rewound to fix`));
  // The stream goes on past the first end: the failure, then the second visit's success.
  expect(rewound.stdout).toMatch(/✗ fix[\s\S]*✓ fix[\s\S]*Run succeeded/);
  expect(rewound.stdout).toMatch(/fixed: Fix Research wms/);
});
