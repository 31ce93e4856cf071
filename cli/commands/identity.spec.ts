import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';

const TOKEN = 'cm_0123456789abcdef_' + 'A'.repeat(43);
const ME = {
  user: { id: 'usr_bob', name: 'Bob', admin: false },
  scopes: ['read', 'run'],
  teams: [{ id: 'team_1', name: 'platform', role: 'runner' }],
  via: 'token',
  token: { id: '0123456789abcdef', name: 'laptop' },
};

describe('identity commands', () => {
  let config: string;
  let api: FakeApiServer;
  beforeEach(async () => {
    config = await mkdtemp(join(tmpdir(), 'chainmail-id-'));
    api = await FakeApiServer.start({
      'GET /v1/me': (req, res) =>
        req.headers.authorization === `Bearer ${TOKEN}`
          ? sendJson(res, 200, ME)
          : sendJson(res, 401, {
              error: { code: 'UNAUTHENTICATED', message: 'The API token is not valid.' },
            }),
      'POST /v1/tokens': (req, res) =>
        sendJson(res, 201, {
          id: 'feedfacefeedface',
          name: JSON.parse(req.body).name,
          userId: 'usr_bob',
          scopes: JSON.parse(req.body).scopes ?? ['read', 'run'],
          status: 'active',
          expiresAt: null,
          lastUsedAt: null,
          token: 'cm_feedfacefeedface_' + 'B'.repeat(43),
        }),
      'GET /v1/tokens': (_req, res) =>
        sendJson(res, 200, {
          tokens: [
            {
              id: '0123456789abcdef',
              name: 'laptop',
              userId: 'usr_bob',
              scopes: ['read', 'run'],
              status: 'active',
              expiresAt: null,
              lastUsedAt: null,
            },
          ],
        }),
      'DELETE /v1/tokens/0123456789abcdef': (_req, res) =>
        sendJson(res, 200, {
          id: '0123456789abcdef',
          name: 'laptop',
          userId: 'usr_bob',
          scopes: [],
          status: 'revoked',
        }),
    });
  });
  afterEach(async () => {
    await api.close();
    await rm(config, { recursive: true, force: true });
  });

  const env = (): Record<string, string> => ({ CHAINMAIL_URL: api.url, XDG_CONFIG_HOME: config });

  it('login reads the token from stdin, checks it with /v1/me and saves it; later commands send it', async () => {
    const login = await cli(['login'], { env: env(), stdin: [`  ${TOKEN}  `] });
    expect(login.code).toBe(0);
    expect(login.stderr).toBe(`API token for ${api.url}: `);
    expect(login.stdout).toContain(
      `Logged in to ${api.url} as Bob (usr_bob), scopes read, run, token "laptop" (0123456789abcdef).`,
    );
    const saved = JSON.parse(await readFile(join(config, 'chainmail', 'credentials.json'), 'utf8'));
    expect(saved[api.url]).toMatchObject({ token: TOKEN, source: 'login' });

    const whoami = await cli(['whoami'], { env: env() });
    expect(whoami.stdout).toBe(
      'Bob (usr_bob), scopes read, run, token "laptop" (0123456789abcdef)\n  team platform (team_1): runner\n',
    );
    expect(api.last('GET', '/v1/me')?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect((await cli(['tokens', 'show'], { env: env() })).stdout).toBe(`${TOKEN}\n`);
  });

  it('login refuses a token the server refuses, and saves nothing', async () => {
    const login = await cli(['login', '--token', 'cm_bad'], { env: env() });
    expect(login.code).toBe(1);
    expect(login.stderr).toContain('error UNAUTHENTICATED: The API token is not valid.');
    await expect(readFile(join(config, 'chainmail', 'credentials.json'), 'utf8')).rejects.toThrow();
  });

  it('--token beats CHAINMAIL_TOKEN, which beats the saved token; a 401 says how to log in', async () => {
    await cli(['login', '--token', TOKEN], { env: env() });
    await cli(['whoami', '--token', 'cm_flag'], { env: { ...env(), CHAINMAIL_TOKEN: 'cm_env' } });
    expect(api.last('GET', '/v1/me')?.headers.authorization).toBe('Bearer cm_flag');
    const refused = await cli(['whoami'], { env: { ...env(), CHAINMAIL_TOKEN: 'cm_env' } });
    expect(api.last('GET', '/v1/me')?.headers.authorization).toBe('Bearer cm_env');
    expect(refused.stderr).toContain(
      `The token in CHAINMAIL_TOKEN was refused by ${api.url}: unset CHAINMAIL_TOKEN to use the one saved for that URL`,
    );
    expect(refused.stderr).not.toContain('(or set CHAINMAIL_TOKEN)');

    const none = await cli(['whoami'], { env: { CHAINMAIL_URL: api.url } });
    expect(none.stderr).toContain(`No API token for ${api.url}: run \`npx chainmail login\``);
  });

  it('a refused token is named by where it came from: --token, or the saved one', async () => {
    const flag = await cli(['whoami', '--token', 'cm_flag'], { env: env() });
    expect(flag.stderr).toContain(`The token given with --token was refused by ${api.url}`);

    await mkdir(join(config, 'chainmail'), { recursive: true });
    await writeFile(
      join(config, 'chainmail', 'credentials.json'),
      JSON.stringify({
        [api.url]: { token: 'cm_old', source: 'login', savedAt: '2025-01-01T00:00:00.000Z' },
      }),
    );
    const saved = await cli(['whoami'], { env: env() });
    expect(api.last('GET', '/v1/me')?.headers.authorization).toBe('Bearer cm_old');
    expect(saved.stderr).toContain(
      `The token saved for ${api.url} was refused: \`npx chainmail login --url ${api.url}\``,
    );
  });

  it('tokens create shows the new token once (or only it with -q); list and revoke', async () => {
    const e = { ...env(), CHAINMAIL_TOKEN: TOKEN };
    const created = await cli(
      ['tokens', 'create', '--name', 'ci', '--scopes', 'read,run', '--expires', '30d'],
      { env: e },
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toContain(`cm_feedfacefeedface_${'B'.repeat(43)}`);
    expect(created.stdout).toContain('Shown this once');
    expect(JSON.parse(api.last('POST', '/v1/tokens')?.body ?? '')).toEqual({
      name: 'ci',
      scopes: ['read', 'run'],
      expiresIn: '30d',
    });

    const quiet = await cli(['tokens', 'create', '--name', 'q', '-q'], { env: e });
    expect(quiet.stdout).toBe(`cm_feedfacefeedface_${'B'.repeat(43)}\n`);

    expect((await cli(['tokens', 'create', '--name', 'x', '--scopes', 'root'], { env: e })).code).toBe(2);
    expect((await cli(['tokens', 'create', '--name', 'x', '--expires', 'soon'], { env: e })).code).toBe(2);

    const list = await cli(['tokens', 'list'], { env: e });
    expect(list.stdout).toMatch(
      /^ID +NAME +USER +SCOPES +STATUS +EXPIRES +LAST USED\n0123456789abcdef +laptop +usr_bob +read,run +active +never +never\n$/,
    );
    const revoked = await cli(['tokens', 'revoke', '0123456789abcdef'], { env: e });
    expect(revoked.stdout).toBe('Token 0123456789abcdef "laptop" is revoked.\n');
  });

  it('tokens generate prints a fresh token offline', async () => {
    const a = await cli(['tokens', 'generate']);
    const b = await cli(['tokens', 'generate']);
    expect(a.stdout).toMatch(/^cm_[0-9a-f]{16}_[A-Za-z0-9_-]{43}\n$/);
    expect(a.stdout).not.toBe(b.stdout);
  });
});
