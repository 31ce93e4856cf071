import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  ADMIN_TOKEN,
  eventually,
  http,
  ROOT,
  setSecret,
  startChainmail,
  type ChainmailUnderTest,
} from '../support/chainmail';

/**
 * The templates library against the built all-in-one process: every template is used with its
 * defaults (published through the registry like any workflow), given the secrets and variables it
 * declares, run with its sample input on the builtin agents (checkpoints approved as a person
 * would), and must end `succeeded`.
 */

interface TemplateDetail {
  id: string;
  secrets: { name: string }[];
  variables: { name: string }[];
  sampleInput: Record<string, unknown>;
  agents: { address: string; production: string }[];
}
interface LoggedEvent {
  type: string;
  data: { stepId?: string; visit?: number };
}
interface RunBody {
  status: string;
  output: string | null;
  error: unknown;
}

let chainmail: ChainmailUnderTest;
let ids: string[] = [];

/** Values for the variables templates declare, as a team would set them. */
const VARIABLES: Record<string, unknown> = { competitors: ['Acme', 'Globex'], company_name: 'Acme' };

beforeAll(async () => {
  chainmail = await startChainmail(['all-in-one']);
  const list = await http<{ templates: { id: string }[] }>(chainmail.base, 'GET', '/v1/templates');
  ids = list.body.templates.map((t) => t.id);
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
});

/** Runs to its end, approving each checkpoint it opens. */
async function runToEnd(runId: string): Promise<RunBody> {
  const approved = new Set<string>();
  return eventually(
    async () => {
      const run = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${runId}`);
      // A run at a checkpoint is `waiting`: approve it as a person would, then it goes on.
      if (run.status === 200 && !['running', 'waiting', 'paused'].includes(run.body.status)) return run.body;
      const log = await http<{ events: LoggedEvent[] }>(chainmail.base, 'GET', `/v1/runs/${runId}/events`);
      for (const e of log.status === 200 ? log.body.events : []) {
        const key = `${e.data.stepId}:${e.data.visit}`;
        if (e.type !== 'CheckpointOpened' || approved.has(key)) continue;
        const decided = await http(chainmail.base, 'POST', `/v1/runs/${runId}/checkpoints/${e.data.stepId}`, {
          action: 'approve',
        });
        if (decided.status === 202) approved.add(key);
      }
      return undefined;
    },
    30_000,
    `run ${runId} to end`,
  );
}

it('lists at least 15 templates, searchable by words and category', async () => {
  expect(ids.length).toBeGreaterThanOrEqual(15);
  const found = await http<{ templates: { id: string }[]; categories: string[] }>(
    chainmail.base,
    'GET',
    '/v1/templates?q=competitor&category=schedules',
  );
  expect(found.body.templates.map((t) => t.id)).toEqual(['weekly-competitor-update']);
  expect(found.body.categories).toContain('schedules');
  const missing = await http<{ error: { code: string } }>(chainmail.base, 'GET', '/v1/templates/nope');
  expect(missing.status).toBe(404);
  expect(missing.body.error.code).toBe('TEMPLATE_NOT_FOUND');
});

it('every template is published from its defaults and runs to succeeded on the builtins with its sample input', async () => {
  const outcomes: Record<string, string> = {};
  for (const id of ids) {
    const detail = await http<TemplateDetail>(chainmail.base, 'GET', `/v1/templates/${id}`);
    expect(detail.status).toBe(200);
    for (const s of detail.body.secrets) await setSecret(chainmail.base, s.name, `value-of-${s.name}`);
    for (const v of detail.body.variables) {
      const set = await http(chainmail.base, 'PUT', `/v1/variables/${v.name}`, { value: VARIABLES[v.name] });
      expect(set.status).toBe(200);
    }
    const name = `tpl-${id}`;
    const used = await http<{ name: string; version: number; needs: { agents: string[] } }>(
      chainmail.base,
      'POST',
      `/v1/templates/${id}/use`,
      { name },
    );
    if (used.status !== 201)
      throw new Error(`${id}: use answered ${used.status} ${JSON.stringify(used.body)}`);
    expect(used.body).toMatchObject({ name, version: 1 });
    expect(used.body.needs.agents.sort()).toEqual(
      [...new Set(detail.body.agents.map((a) => a.address))].sort(),
    );
    const started = await http<{ runId: string }>(chainmail.base, 'POST', `/v1/workflows/${name}/runs`, {
      inputs: detail.body.sampleInput,
    });
    expect(started.status).toBe(202);
    const run = await runToEnd(started.body.runId);
    outcomes[id] = run.status === 'succeeded' ? 'succeeded' : `${run.status}: ${JSON.stringify(run.error)}`;
  }
  expect(outcomes).toEqual(Object.fromEntries(ids.map((id) => [id, 'succeeded'])));
}, 300_000);

it('refuses bad parameters with every problem named; given ones go into the published source', async () => {
  const bad = await http<{ error: { code: string; message: string } }>(
    chainmail.base,
    'POST',
    '/v1/templates/translation/use',
    { name: 'tr-bad', params: { concurrency: 'lots', colour: 'blue' } },
  );
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('TEMPLATE_PARAMS_INVALID');
  expect(bad.body.error.message).toMatch(/"colour" is not a parameter of translation/);
  expect(bad.body.error.message).toMatch(/concurrency must be a number/);
  const withParams = await http<{ params: Record<string, unknown> }>(
    chainmail.base,
    'POST',
    '/v1/templates/translation/use',
    { name: 'tr-two', params: { concurrency: 2 } },
  );
  expect(withParams.status).toBe(201);
  expect(withParams.body.params.concurrency).toBe(2);
  const wf = await http<{ source: string }>(chainmail.base, 'GET', '/v1/workflows/tr-two');
  expect(wf.body.source).toMatch(/concurrency: 2\n/);
});

const exec = promisify(execFile);
// Each of the CLI tests starts several CLI processes (half a second each on a busy machine).
const CLI_TEST_MS = 60_000;

/** The CLI as a user types it, with the admin token. */
async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [join(ROOT, 'bin', 'chainmail.js'), ...args], {
      env: {
        ...process.env,
        CHAINMAIL_URL: chainmail.base,
        CHAINMAIL_TOKEN: ADMIN_TOKEN,
        NO_COLOR: '1',
        XDG_CONFIG_HOME: join(tmpdir(), 'chainmail-templates-e2e-nowhere'),
      },
      cwd: ROOT,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

it(
  'as a new user would: `chainmail templates` lists the library, `chainmail new` publishes one that runs at once',
  async () => {
    const listed = await cli('templates');
    expect(listed.code).toBe(0);
    for (const id of ids) expect(listed.stdout).toContain(id);
    const searched = await cli('templates', 'post-mortem');
    expect(searched.stdout).toContain('incident-postmortem');
    expect(searched.stdout).not.toContain('newsletter');
    const shown = await cli('templates', '--show', 'translation');
    expect(shown.stdout).toMatch(/concurrency\s+number\s+4/);

    const created = await cli(
      'new',
      'my-postmortem',
      '--from',
      'incident-postmortem',
      '--param',
      'analysis_agent=summarize@',
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('my-postmortem: version 1 published from template incident-postmortem');
    const ran = await cli(
      'run',
      'my-postmortem',
      '--input',
      'incident=the API fell over at 9:05 and came back at 9:24',
      '--follow',
    );
    expect(ran.stdout + ran.stderr).toMatch(/succeeded/);
    expect(ran.code).toBe(0);
    const bad = await cli('new', 'x-flow', '--from', 'incident-postmortem', '--param', 'nope=1');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('"nope" is not a parameter of incident-postmortem');
  },
  CLI_TEST_MS,
);

it(
  '`chainmail export` writes a bundle that `chainmail import` publishes elsewhere, with the names of what it needs',
  async () => {
    const source = await http(chainmail.base, 'POST', '/v1/templates/newsletter/use', { name: 'bundle-src' });
    expect(source.status).toBe(201);
    const exported = await cli('export', 'bundle-src');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('format: chainmail/bundle@1');
    expect(exported.stdout).toMatch(/variables:\n\s+- company_name/);
    const dir = await mkdtemp(join(tmpdir(), 'chainmail-bundle-'));
    const file = join(dir, 'flow.bundle.yaml');
    await writeFile(file, exported.stdout);
    const imported = await cli('import', file, '--name', 'imported-newsletter');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain('imported-newsletter: version 1 published');
    expect(imported.stdout).toContain('variables: company_name');
    const copy = await http<{ source: string }>(chainmail.base, 'GET', '/v1/workflows/imported-newsletter');
    expect(copy.body.source).toContain('name: imported-newsletter');
    const notBundle = await cli('import', join(ROOT, 'examples', 'competitor-analysis.yaml'));
    expect(notBundle.code).not.toBe(0);
    expect(notBundle.stderr).toContain('not a Chainmail bundle');
  },
  CLI_TEST_MS,
);
