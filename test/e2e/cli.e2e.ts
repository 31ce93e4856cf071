import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/** The `chainmail` CLI as a user types it, against the built all-in-one process. */

const run = promisify(execFile);
let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), ...args], {
      env: { ...process.env, CHAINMAIL_URL: chainmail.base, NO_COLOR: '1' },
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

  // The read model may trail the log by a batch: give it a moment.
  let runs = await cli('runs', '--workflow', 'competitor-analysis');
  for (let i = 0; i < 20 && !runs.stdout.includes(runId.slice(0, 8)); i++) {
    await new Promise((r) => setTimeout(r, 100));
    runs = await cli('runs', '--workflow', 'competitor-analysis');
  }
  expect(runs.stdout).toContain(runId.slice(0, 8));
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
