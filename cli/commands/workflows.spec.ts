import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';

const YAML = 'name: competitor-analysis\nsteps:\n  - id: research\n    agent: research@\n';
const INVALID = {
  error: {
    code: 'WORKFLOW_INVALID',
    message: 'the definition has 2 problems',
    details: {
      issues: [
        {
          code: 'UNKNOWN_AGENT',
          message: 'agent "reserch@" is not in the directory',
          path: 'steps.0.agent',
          line: 4,
          column: 12,
          hint: 'did you mean research@?',
        },
        { code: 'MISSING_FIELD', message: 'output is required', path: 'output' },
      ],
    },
  },
};

describe('workflow commands', () => {
  let api: FakeApiServer;
  let dir: string;
  const run = (argv: string[]) => cli(argv, { env: { CHAINMAIL_URL: api.url } });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainmail-cli-'));
    let version = 2;
    api = await FakeApiServer.start({
      'POST /v1/workflows': (req, res) => {
        if (req.body.includes('reserch@')) return sendJson(res, 422, INVALID);
        version += 1;
        const name =
          req.headers['content-type'] === 'application/json'
            ? (JSON.parse(req.body) as { name: string }).name
            : 'competitor-analysis';
        const warnings = req.body.includes('unused')
          ? [
              {
                code: 'UNREACHABLE_STEP',
                message: 'step "unused" is never reached',
                path: 'steps[1]',
                line: 5,
                column: 5,
              },
            ]
          : [];
        sendJson(res, 201, { name, version, warnings });
      },
      'POST /v1/workflows/validate': (req, res) =>
        req.body.includes('reserch@')
          ? sendJson(res, 422, INVALID)
          : sendJson(res, 200, { valid: true, name: 'competitor-analysis' }),
      'POST /v1/workflows/competitor-analysis/rollback': (req, res) =>
        sendJson(res, 200, {
          name: 'competitor-analysis',
          version: (JSON.parse(req.body) as { version: number }).version,
        }),
      'POST /v1/workflows/ghost/rollback': (_req, res) =>
        sendJson(res, 404, {
          error: {
            code: 'WORKFLOW_NOT_FOUND',
            message: 'no workflow named "ghost"',
            details: { name: 'ghost' },
          },
        }),
      'GET /v1/workflows': (_req, res) =>
        sendJson(res, 200, {
          workflows: [
            {
              name: 'competitor-analysis',
              activeVersion: 2,
              latestVersion: 3,
              description: 'Research, summarize, report',
              updatedAt: '2025-03-01T11:00:00Z',
            },
            { name: 'daily-digest', activeVersion: 1, latestVersion: 1, updatedAt: '2025-02-27T12:00:00Z' },
          ],
        }),
      'GET /v1/workflows/competitor-analysis/versions': (_req, res) =>
        sendJson(res, 200, {
          versions: [
            { version: 1, publishedAt: '2025-02-28T12:00:00Z', publishedBy: 'ana', active: false },
            { version: 2, publishedAt: '2025-03-01T11:30:00Z', publishedBy: 'ben', active: true },
          ],
        }),
    });
  });

  afterEach(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('apply publishes a YAML file as application/yaml and says which version', async () => {
    const file = join(dir, 'competitor-analysis.yaml');
    await writeFile(file, YAML);

    const result = await run(['apply', '-f', file]);

    expect(result).toEqual({ code: 0, stdout: 'competitor-analysis: version 3 published\n', stderr: '' });
    const req = api.last('POST', '/v1/workflows');
    expect(req?.headers['content-type']).toBe('application/yaml');
    expect(req?.body).toBe(YAML);
  });

  it('apply --team publishes for a team: ?team= on the request', async () => {
    const file = join(dir, 'competitor-analysis.yaml');
    await writeFile(file, YAML);

    const result = await run(['apply', '-f', file, '--team', 'team_red']);

    expect(result.code).toBe(0);
    expect(api.last('POST', '/v1/workflows')?.query.get('team')).toBe('team_red');
    await run(['apply', '-f', file]);
    expect(api.last('POST', '/v1/workflows')?.query.has('team')).toBe(false);
  });

  it('apply takes every definition in a directory, JSON as application/json, in name order', async () => {
    await writeFile(join(dir, 'b.yml'), YAML);
    await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'daily-digest', steps: [] }));
    await writeFile(join(dir, 'notes.txt'), 'not a workflow');

    const result = await run(['apply', '-f', dir]);

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'daily-digest: version 3 published\ncompetitor-analysis: version 4 published\n',
    );
    expect(api.requests.map((r) => r.headers['content-type'])).toEqual([
      'application/json',
      'application/yaml',
    ]);
  });

  it('apply prints each issue as FILE:LINE:COLUMN: message (hint) and exits 1, still applying the other files', async () => {
    const bad = join(dir, 'bad.yaml');
    const good = join(dir, 'good.yaml');
    await writeFile(bad, YAML.replace('research@', 'reserch@'));
    await writeFile(good, YAML);

    const result = await run(['apply', '-f', bad, '-f', good]);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `${bad}:4:12: agent "reserch@" is not in the directory (did you mean research@?)\n` +
        `${bad}: output: output is required\n`,
    );
    expect(result.stdout).toBe('competitor-analysis: version 3 published\n');
  });

  it('apply prints warnings the server reports, and still succeeds', async () => {
    const file = join(dir, 'w.yaml');
    await writeFile(file, `${YAML}  - id: unused\n    agent: research@\n`);

    const result = await run(['apply', '-f', file]);

    expect(result).toEqual({
      code: 0,
      stdout: 'competitor-analysis: version 3 published\n',
      stderr: `${file}:5:5: warning: step "unused" is never reached\n`,
    });
  });

  it('apply without -f, or with a missing file, is a usage error (exit 2)', async () => {
    expect((await run(['apply'])).code).toBe(2);
    const missing = await run(['apply', '-f', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.yaml: no such file or directory');
    expect(api.requests).toHaveLength(0);
  });

  it('validate says FILE: valid, or lists the issues and exits 1', async () => {
    const good = join(dir, 'good.yaml');
    const bad = join(dir, 'bad.yaml');
    await writeFile(good, YAML);
    await writeFile(bad, YAML.replace('research@', 'reserch@'));

    expect(await run(['validate', good])).toEqual({ code: 0, stdout: `${good}: valid\n`, stderr: '' });
    const invalid = await run(['validate', bad]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr.split('\n')[0]).toBe(
      `${bad}:4:12: agent "reserch@" is not in the directory (did you mean research@?)`,
    );
    expect(api.requests.every((r) => r.path === '/v1/workflows/validate')).toBe(true);
  });

  it('rollback sends {version} and reports the active version', async () => {
    const result = await run(['rollback', 'competitor-analysis', '--to', '2']);

    expect(result).toEqual({ code: 0, stdout: 'competitor-analysis: version 2 is active\n', stderr: '' });
    expect(JSON.parse(api.last('POST', '/v1/workflows/competitor-analysis/rollback')?.body ?? '')).toEqual({
      version: 2,
    });
  });

  it('rollback of an unknown workflow prints the server error with its details and exits 1', async () => {
    const result = await run(['rollback', 'ghost', '--to', '1']);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error WORKFLOW_NOT_FOUND: no workflow named "ghost"\n  details: {"name":"ghost"}\n',
    );
  });

  it('rollback --to must be a positive integer (usage error, nothing sent)', async () => {
    const result = await run(['rollback', 'competitor-analysis', '--to', 'two']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to must be a positive integer');
    expect(api.requests).toHaveLength(0);
  });

  it('workflows and versions print tables', async () => {
    const workflows = await run(['workflows']);
    expect(workflows.code).toBe(0);
    expect(workflows.stdout.split('\n')).toEqual([
      'NAME                 ACTIVE  LATEST  UPDATED  DESCRIPTION',
      'competitor-analysis  2       3       1 h ago  Research, summarize, report',
      'daily-digest         1       1       2 d ago',
      '',
    ]);

    const versions = await run(['versions', 'competitor-analysis']);
    expect(versions.stdout.split('\n')).toEqual([
      'VERSION  STATUS  PUBLISHED  BY',
      '1                1 d ago    ana',
      '2        active  30 m ago   ben',
      '',
    ]);
  });
});
