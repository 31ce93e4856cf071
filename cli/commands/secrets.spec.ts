import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';

const info = (over: Record<string, unknown> = {}) => ({
  owner: 'user:usr_1',
  name: 'OPENAI_KEY',
  version: 1,
  createdAt: '2025-03-01T11:00:00.000Z',
  createdBy: 'usr_1',
  updatedAt: '2025-03-01T11:00:00.000Z',
  updatedBy: 'usr_1',
  ...over,
});

describe('chainmail secrets', () => {
  let api: FakeApiServer;
  const run = (argv: string[], stdin?: string[]) =>
    cli(argv, { env: { CHAINMAIL_URL: api.url, CHAINMAIL_TOKEN: 'cm_0000000000000000_t' }, stdin });

  beforeEach(async () => {
    api = await FakeApiServer.start({
      'PUT /v1/secrets/OPENAI_KEY': (req, res) =>
        sendJson(res, 200, {
          secret: info({ owner: req.query.get('team') ? `team:${req.query.get('team')}` : 'user:usr_1' }),
        }),
      'GET /v1/secrets': (_req, res) =>
        sendJson(res, 200, { secrets: [info(), info({ name: 'HOOK_KEY', owner: 'team:t1', version: 3 })] }),
      'DELETE /v1/secrets/OPENAI_KEY': (_req, res) => sendJson(res, 200, { deleted: info() }),
    });
  });
  afterEach(async () => {
    await api.close();
  });

  it('set reads the value from stdin and sends it as text/plain, never in the URL; the final newline is dropped', async () => {
    const result = await run(['secrets', 'set', 'OPENAI_KEY'], ['sk-live-abc123']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('Set secret OPENAI_KEY for user:usr_1');
    const sent = api.last('PUT', '/v1/secrets/OPENAI_KEY');
    expect(sent?.body).toBe('sk-live-abc123');
    expect(sent?.headers['content-type']).toMatch(/^text\/plain/);
    expect(sent?.query.toString()).toBe('');
    expect(result.stdout + result.stderr).not.toContain('sk-live-abc123');
  });

  it('keeps a multi-line value whole (a PEM key), and --team sends it to the team', async () => {
    const result = await run(
      ['secrets', 'set', 'OPENAI_KEY', '--team', 't1'],
      ['-----BEGIN-----', 'abc', '-----END-----'],
    );
    expect(result.code).toBe(0);
    expect(api.last('PUT', '/v1/secrets/OPENAI_KEY')?.body).toBe('-----BEGIN-----\nabc\n-----END-----');
    expect(api.last('PUT', '/v1/secrets/OPENAI_KEY')?.query.get('team')).toBe('t1');
    expect(result.stdout).toContain('team:t1');
  });

  it('set --file reads the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-secret-'));
    writeFileSync(join(dir, 'key.txt'), 'from-a-file-42\n');
    const result = await cli(['secrets', 'set', 'OPENAI_KEY', '--file', 'key.txt'], {
      env: { CHAINMAIL_URL: api.url, CHAINMAIL_TOKEN: 'cm_0000000000000000_t' },
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(api.last('PUT', '/v1/secrets/OPENAI_KEY')?.body).toBe('from-a-file-42');
  });

  it('refuses a value given as an argument, and an empty value, sending nothing', async () => {
    const argument = await run(['secrets', 'set', 'OPENAI_KEY', 'sk-in-history']);
    expect(argument.code).toBe(2);
    expect(argument.stderr).toContain('never an argument');
    const empty = await run(['secrets', 'set', 'OPENAI_KEY'], []);
    expect(empty.code).toBe(2);
    expect(api.requests.filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('list shows names, owners, versions and who — no values; rm deletes', async () => {
    const list = await run(['secrets', 'list']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/NAME\s+OWNER\s+VERSION\s+UPDATED\s+BY/);
    expect(list.stdout).toMatch(/HOOK_KEY\s+team:t1\s+3/);
    const rm = await run(['secrets', 'rm', 'OPENAI_KEY']);
    expect(rm).toMatchObject({ code: 0, stdout: 'Deleted secret OPENAI_KEY.\n' });
  });
});

describe('chainmail variables', () => {
  let api: FakeApiServer;
  const run = (argv: string[]) =>
    cli(argv, { env: { CHAINMAIL_URL: api.url, CHAINMAIL_TOKEN: 'cm_0000000000000000_t' } });

  beforeEach(async () => {
    api = await FakeApiServer.start({
      'PUT /v1/variables/region': (req, res) =>
        sendJson(res, 200, {
          variable: { owner: 'user:usr_1', name: 'region', value: JSON.parse(req.body).value, version: 2 },
        }),
      'GET /v1/variables/region': (_req, res) =>
        sendJson(res, 200, {
          variable: { owner: 'user:usr_1', name: 'region', value: 'eu', version: 2 },
          versions: [
            { version: 2, value: 'eu', deleted: false, at: '2025-03-01T11:00:00.000Z', by: 'usr_1' },
            { version: 1, value: 'us', deleted: false, at: '2025-03-01T10:00:00.000Z', by: 'usr_2' },
          ],
        }),
    });
  });
  afterEach(async () => {
    await api.close();
  });

  it('set sends JSON values as JSON and other text as text; get shows the versions', async () => {
    await run(['variables', 'set', 'region', '["eu","us"]']);
    expect(JSON.parse(api.last('PUT', '/v1/variables/region')?.body ?? '')).toEqual({ value: ['eu', 'us'] });
    const text = await run(['variables', 'set', 'region', 'eu-west']);
    expect(text.stdout).toContain('Set region for user:usr_1 (version 2)');
    expect(JSON.parse(api.last('PUT', '/v1/variables/region')?.body ?? '')).toEqual({ value: 'eu-west' });
    const get = await run(['variables', 'get', 'region']);
    expect(get.stdout).toContain('region = "eu"');
    expect(get.stdout).toMatch(/1\s+"us"\s+.*usr_2/);
  });
});
