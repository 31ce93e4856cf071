import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, freePort, startNatsServer } from '@chainmail/testing';
import {
  ADMIN_TOKEN,
  eventually,
  http,
  ROOT,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/** The `chainmail` CLI as a user types it, against the built all-in-one process. */

const run = promisify(execFile);
// Each test starts several CLI processes (half a second each on a busy machine): not a speed check.
jest.setTimeout(30_000);
let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

/** The CLI as a process; the admin token comes as CHAINMAIL_TOKEN unless `env` says otherwise. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return cliWith({}, ...args);
}

async function cliWith(
  env: Record<string, string | undefined>,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), ...args], {
      env: {
        ...process.env,
        CHAINMAIL_URL: chainmail.base,
        CHAINMAIL_TOKEN: ADMIN_TOKEN,
        NO_COLOR: '1',
        XDG_CONFIG_HOME: join(tmpdir(), 'chainmail-cli-e2e-nowhere'),
        ...env,
      },
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it('applies the seed workflow, runs it with --follow and shows it in runs and logs', async () => {
  const applied = await cli('apply', '-f', 'examples/competitor-analysis.yaml');
  expect(applied.code).toBe(0);
  expect(applied.stdout).toMatch(/competitor-analysis: version 1 published/);

  const followed = await cli(
    'run',
    'competitor-analysis',
    '--input',
    'user_input=Analyze our competitors in the CRM space',
    '--follow',
  );
  expect(followed.code).toBe(0);
  for (const [step, agent] of [
    ['research', 'research@'],
    ['summarize', 'summarize@'],
    ['draft', 'write-report@'],
    ['review', 'proofread@'],
  ]) {
    expect(followed.stdout).toMatch(new RegExp(`${step}\\s+${agent}\\s+succeeded\\s+\\d+ ms`));
  }
  expect(followed.stdout).toMatch(/Run succeeded/);
  expect(followed.stdout).toMatch(/# Competitive Analysis Report: CRM/);
  const runId = /Run ([0-9a-f-]{36})/.exec(followed.stdout)?.[1] ?? '';
  expect(runId).not.toBe('');

  const logs = await cli('logs', runId);
  expect(logs.code).toBe(0);
  expect(logs.stdout).toMatch(/RunStarted/);
  expect(logs.stdout).toMatch(/RunSucceeded/);

  // The read model may trail the log by a batch: wait for it over HTTP (cheap), not by starting
  // CLI processes in a loop (half a second each on a busy machine), then ask the CLI once.
  await eventually(
    async () => {
      const listed = await http<{ runs: { id: string }[] }>(
        chainmail.base,
        'GET',
        '/v1/runs?workflow=competitor-analysis',
      );
      return listed.body.runs?.some((r) => r.id === runId) ? true : undefined;
    },
    20_000,
    `run ${runId} in the runs view`,
  );
  const runs = await cli('runs', '--workflow', 'competitor-analysis');
  expect(runs.stdout).toContain(runId.slice(0, 8));
}, 60_000);

it('approvals lists a run waiting at its checkpoint; edit sends it back, approve finishes it, as the CLI', async () => {
  expect((await cli('apply', '-f', 'examples/human-review.yaml')).code).toBe(0);
  const started = await cli(
    'run',
    'human-review',
    '--input',
    'client=ACME Corp',
    '--input',
    'client_email=legal@acme.test',
  );
  expect(started.code).toBe(0);
  const runId = started.stdout.trim();
  const listed = async (visit: number): Promise<string> => {
    for (let i = 0; i < 100; i++) {
      const out = await cli('approvals', '--json');
      const found = (JSON.parse(out.stdout) as { runId: string; visit: number }[]).find(
        (a) => a.runId === runId && a.visit === visit,
      );
      if (found) return (await cli('approvals')).stdout;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`run ${runId} never waited at round ${visit}`);
  };
  const table = await listed(1);
  expect(table).toContain(runId);
  expect(table).toContain('Review draft before sending to client');
  expect(table).toContain('owner');

  const edited = await cli('edit', runId, 'human-review', '--input', 'Add a liability cap');
  expect(edited).toMatchObject({ code: 0, stdout: `${runId}: human-review edited\n` });
  await listed(2);
  expect((await cli('approve', runId, 'human-review', '-m', 'good now')).code).toBe(0);
  const again = await cli('approve', runId, 'human-review');
  expect(again.code).not.toBe(0);
  expect(again.stderr).toContain('is not waiting for a decision');

  const { body } = await http<{ events: { type: string; data: Record<string, unknown> }[] }>(
    chainmail.base,
    'GET',
    `/v1/runs/${runId}/events`,
  );
  expect(body.events.filter((e) => e.type === 'CheckpointResolved').map((e) => e.data)).toEqual([
    expect.objectContaining({ action: 'edit', input: 'Add a liability cap', via: 'cli' }),
    expect.objectContaining({ action: 'approve', comment: 'good now', via: 'cli' }),
  ]);
}, 60_000);

it('validates a broken file with FILE:LINE:COLUMN and exits 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chainmail-cli-'));
  const file = join(dir, 'broken.yaml');
  await writeFile(
    file,
    ['name: broken', 'steps:', '  - name: a', '    agent: echo@', '    timeout: soon', ''].join('\n'),
  );
  const result = await cli('validate', file);
  expect(result.code).toBe(1);
  expect(result.stdout + result.stderr).toMatch(
    new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: .*`),
  );
});

it('rolls back to an earlier version', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'chainmail-cli-'));
  const file = join(dir, 'flow.yaml');
  for (const text of ['one', 'two']) {
    await writeFile(
      file,
      ['name: cli-rollback', 'steps:', '  - name: a', '    agent: echo@', `    input: "${text}"`, ''].join(
        '\n',
      ),
    );
    expect((await cli('apply', '-f', file)).code).toBe(0);
  }
  const rolled = await cli('rollback', 'cli-rollback', '--to', '1');
  expect(rolled.code).toBe(0);
  const followed = await cli('run', 'cli-rollback', '--follow');
  expect(followed.code).toBe(0);
  expect(followed.stdout).toMatch(/one/);
});

it('a second user, created with the CLI, logs in and sees itself; without the scope it may not publish; without a token nothing', async () => {
  const created = await cli('users', 'create', '--name', 'Bob', '--email', 'bob@acme.example');
  expect(created.code).toBe(0);
  const userId = /User Bob: (usr_[0-9a-f]+)/.exec(created.stdout)?.[1] ?? '';
  expect(userId).not.toBe('');
  const token = (
    await cli('tokens', 'create', '--user', userId, '--name', 'bob', '--scopes', 'read,run', '-q')
  ).stdout.trim();
  expect(token).toMatch(/^cm_[0-9a-f]{16}_/);

  const config = await mkdtemp(join(tmpdir(), 'chainmail-login-'));
  const asBob = { CHAINMAIL_TOKEN: undefined, XDG_CONFIG_HOME: config };
  const login = await cliWith(asBob, 'login', '--token', token);
  expect(login.code).toBe(0);
  expect(login.stdout).toContain(`as Bob (${userId}), scopes read, run`);
  expect(
    JSON.parse(await readFile(join(config, 'chainmail', 'credentials.json'), 'utf8'))[chainmail.base].token,
  ).toBe(token);

  const whoami = await cliWith(asBob, 'whoami');
  expect(whoami.stdout).toContain(`Bob (${userId}), scopes read, run`);
  // The admin's workflow and runs are not Bob's: he neither sees nor starts them.
  expect((await cliWith(asBob, 'workflows')).stdout).not.toContain('competitor-analysis');
  const start = await cliWith(asBob, 'run', 'competitor-analysis', '--input', 'user_input=x');
  expect(start.code).toBe(1);
  expect(start.stderr).toContain('WORKFLOW_NOT_FOUND');
  const adminRuns = await http<{ runs: { id: string }[] }>(chainmail.base, 'GET', '/v1/runs');
  expect(adminRuns.body.runs.length).toBeGreaterThan(0);
  expect((await cliWith(asBob, 'runs')).stdout).not.toContain(adminRuns.body.runs[0].id);
  const logs = await cliWith(asBob, 'logs', adminRuns.body.runs[0].id);
  expect(logs.code).toBe(1);
  expect(logs.stderr).toContain('RUN_NOT_FOUND');
  const apply = await cliWith(asBob, 'apply', '-f', 'examples/competitor-analysis.yaml');
  expect(apply.code).toBe(1);
  expect(apply.stderr).toContain('FORBIDDEN');

  const nobody = await cliWith({ CHAINMAIL_TOKEN: undefined }, 'runs');
  expect(nobody.code).toBe(1);
  expect(nobody.stderr).toContain('error UNAUTHENTICATED');
  expect(nobody.stderr).toContain('chainmail login');
});

it('chainmail up, with no token anywhere: makes one, prints it once, saves it, and the commands after it use it', async () => {
  const nats = await startNatsServer();
  const db = await createTestDatabase('up');
  const config = await mkdtemp(join(tmpdir(), 'chainmail-up-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NATS_URL: nats.url,
    DATABASE_URL: db.url,
    CHAINMAIL_SMTP_PORT: String(await freePort()),
    CHAINMAIL_CATCHER_SMTP_PORT: String(await freePort()),
    CHAINMAIL_LOG_LEVEL: 'warn',
    XDG_CONFIG_HOME: config,
    NO_COLOR: '1',
    CHAINMAIL_TOKEN: '',
    CHAINMAIL_ADMIN_TOKEN: '',
    CHAINMAIL_URL: '',
  };
  const up = spawn(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), 'up', '--port', String(port)], {
    env,
    cwd: ROOT,
  });
  let out = '';
  up.stdout.on('data', (d: Buffer) => (out += d.toString()));
  up.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise((resolve) => up.once('exit', resolve));
  try {
    const deadline = Date.now() + 60_000;
    while (!out.includes('Press Ctrl-C') && Date.now() < deadline && up.exitCode === null) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(out).toContain('Press Ctrl-C');
    expect(out).toMatch(/Run succeeded/);
    const token = /Admin API token \(shown once\): (cm_[0-9a-f]{16}_[A-Za-z0-9_-]{43})/.exec(out)?.[1] ?? '';
    expect(token).not.toBe('');
    expect(out.split(token)).toHaveLength(2);

    const runs = await cliWith(
      { CHAINMAIL_URL: url, CHAINMAIL_TOKEN: undefined, XDG_CONFIG_HOME: config },
      'runs',
    );
    expect(runs.code).toBe(0);
    expect(runs.stdout).toContain('competitor-analysis');
    // Only the pipelines among the examples are published: construct demos and the seed's sketch stay files.
    const workflows = await cliWith(
      { CHAINMAIL_URL: url, CHAINMAIL_TOKEN: undefined, XDG_CONFIG_HOME: config },
      'workflows',
    );
    expect(workflows.stdout).toContain('daily-news-digest');
    expect(workflows.stdout).not.toContain('my-workflow');
    expect(workflows.stdout).not.toContain('parallel-research');
    const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await me.json()) as { user: { admin: boolean } }).user.admin).toBe(true);
    expect((await fetch(`${url}/v1/runs`)).status).toBe(401);

    // Secrets work from the first start: up made the master key (0600, outside the database).
    expect(out).toContain('Secrets master key created');
    expect((await stat(join(config, 'chainmail', 'master.key'))).mode & 0o777).toBe(0o600);
    const set = spawn(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), 'secrets', 'set', 'UP_KEY'], {
      env: { ...env, CHAINMAIL_URL: url, XDG_CONFIG_HOME: config },
    });
    let setOut = '';
    set.stdout.on('data', (d: Buffer) => (setOut += d.toString()));
    set.stderr.on('data', (d: Buffer) => (setOut += d.toString()));
    set.stdin.end('up-key-value-4242\n');
    expect(await new Promise((resolve) => set.once('exit', resolve))).toBe(0);
    expect(setOut).toContain('Set secret UP_KEY for user:usr_admin');
    const listed = await cliWith(
      { CHAINMAIL_URL: url, CHAINMAIL_TOKEN: undefined, XDG_CONFIG_HOME: config },
      'secrets',
      'list',
    );
    expect(listed.stdout).toMatch(/UP_KEY\s+user:usr_admin\s+1/);
    expect(setOut + listed.stdout + out).not.toContain('up-key-value-4242');
  } finally {
    up.kill('SIGINT');
    await exited;
    await nats.stop();
    await db.drop();
  }
}, 90_000);
