import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { freePort } from '../test/free-port';

/** `up --model`: the server gets the model settings and the key, never on its command line. */
describe('chainmail up --model', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'chainmail-up-model-'));
    const dir = join(root, 'dist', 'services', 'all-in-one');
    await mkdir(dir, { recursive: true });
    await copyFile(join(__dirname, '..', 'test', 'fake-all-in-one.js'), join(dir, 'main.js'));
  });
  afterEach(async () => {
    const pid = await readFile(join(root, '.chainmail', 'server.pid'), 'utf8').catch(() => '');
    if (pid.trim() !== '') process.kill(Number(pid), 'SIGTERM');
    await rm(root, { recursive: true, force: true });
  });

  it('starts the server bound to the model and says which agents answer with it', async () => {
    const port = await freePort();
    const result = await cli(
      [
        'up',
        '--port',
        String(port),
        '--detach',
        '--no-demo',
        '--model',
        'http://127.0.0.1:11434/v1',
        '--model-name',
        'llama3.2',
        '--api-key-env',
        'MY_KEY',
      ],
      { repoRoot: root, env: { MY_KEY: 'sk-secret-value' } },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'research@, summarize@, write-report@, proofread@ answer with llama3.2 at http://127.0.0.1:11434/v1',
    );
    expect(result.stdout + result.stderr).not.toContain('sk-secret-value');
    const log = await readFile(join(root, '.chainmail', 'server.log'), 'utf8');
    expect(log).toContain('model http://127.0.0.1:11434/v1 llama3.2, key set');
  });

  it('refuses a bad --model before starting anything', async () => {
    const result = await cli(['up', '--model', 'localhost:11434'], { repoRoot: root });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--model must be the http(s) URL');
  });
});
