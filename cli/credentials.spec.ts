import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiToken } from '@chainmail/identity';
import { credentialsPath, CredentialStore, generateToken } from './credentials';

describe('CLI credentials', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainmail-cred-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lives under XDG_CONFIG_HOME, else ~/.config, else nowhere', () => {
    expect(credentialsPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/chainmail/credentials.json');
    expect(credentialsPath({ HOME: '/h' })).toBe('/h/.config/chainmail/credentials.json');
    expect(credentialsPath({})).toBeUndefined();
  });

  it('saves one token per server URL, readable by its owner only', async () => {
    const store = CredentialStore.fromEnv({ XDG_CONFIG_HOME: dir });
    store.save('http://127.0.0.1:8080/', 'cm_a', 'up', new Date('2026-01-01T00:00:00Z'));
    store.save('https://chainmail.acme.example', 'cm_b', 'login', new Date('2026-01-02T00:00:00Z'));
    expect(store.get('http://127.0.0.1:8080')).toEqual({
      token: 'cm_a',
      source: 'up',
      savedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(store.get('https://chainmail.acme.example/')?.token).toBe('cm_b');
    expect(store.get('http://127.0.0.1:9090')).toBeUndefined();
    const file = join(dir, 'chainmail', 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveProperty(
      ['http://127.0.0.1:8080', 'token'],
      'cm_a',
    );
  });

  it('generates tokens the server accepts as CHAINMAIL_ADMIN_TOKEN', () => {
    expect(parseApiToken(generateToken())).toBeDefined();
    expect(generateToken()).not.toBe(generateToken());
  });
});
