import { EventEmitter } from 'node:events';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../test/cli-harness';
import { FakeApiServer, sendJson } from '../test/fake-api-server';
import { freePort } from '../test/free-port';
import { succeededRun } from '../test/run-events.fixture';

/** A package root whose built all-in-one server is the fake in `test/fake-all-in-one.js`. */
async function fakeRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'chainmail-up-'));
  const dir = join(root, 'dist', 'services', 'all-in-one');
  await mkdir(dir, { recursive: true });
  await copyFile(join(__dirname, '..', 'test', 'fake-all-in-one.js'), join(dir, 'main.js'));
  return root;
}

async function answers(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/readyz`);
    return true;
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('chainmail up', () => {
  let root: string;
  let port: number;
  beforeEach(async () => {
    root = await fakeRoot();
    port = await freePort();
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('says to run `npm run build` when the server is not built', async () => {
    await rm(join(root, 'dist'), { recursive: true });

    const result = await cli(['up'], { repoRoot: root });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Chainmail is not built');
    expect(result.stderr).toContain('npm run build');
  });

  it('names the failing check, NATS and Postgres, when /readyz never says ready, and stops the server', async () => {
    const result = await cli(['up', '--port', String(port), '--wait', '1'], {
      repoRoot: root,
      env: { FAKE_MODE: 'never-ready' },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Chainmail did not become ready within 1 s.');
    expect(result.stderr).toContain('GET /readyz answered 503:\n  nats: connection refused\n');
    expect(result.stderr).toContain('NATS with JetStream at nats://127.0.0.1:4222 and Postgres at');
    expect(result.stderr).toContain('docker run -d --name chainmail-nats');
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
  });

  it('shows the last log lines when the server exits before it is ready', async () => {
    const result = await cli(['up', '--port', String(port)], { repoRoot: root, env: { FAKE_MODE: 'crash' } });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The Chainmail server exited (code 3) before it was ready.');
    expect(result.stderr).toContain('  Error: connect ECONNREFUSED 127.0.0.1:4222 (NATS)');
  });

  it('saves no admin token when the server fails to start', async () => {
    const config = join(root, 'config');
    const result = await cli(['up', '--port', String(port)], {
      repoRoot: root,
      env: { FAKE_MODE: 'crash', XDG_CONFIG_HOME: config },
    });

    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('Admin API token');
    await expect(stat(join(config, 'chainmail', 'credentials.json'))).rejects.toThrow();
  });

  it('listens on PORT when --port is not given, and its next steps say `npx chainmail`', async () => {
    const signals = new EventEmitter();
    const result = await cli(['up', '--no-demo'], {
      repoRoot: root,
      env: { PORT: String(port) },
      signals,
      onOut: (text) => {
        if (text.includes('Press Ctrl-C')) setTimeout(() => signals.emit('interrupt'), 20);
      },
    });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Chainmail is ready at http://127.0.0.1:${port}`);
    expect(result.stdout).toContain('  npx chainmail runs ');
    expect(result.stdout).toContain('  npx chainmail run NAME --input k=v --follow');
    expect(result.stdout).not.toMatch(/^ {2}chainmail /m);
  });

  it('refuses a PORT that is not a port number, naming it', async () => {
    const result = await cli(['up'], { repoRoot: root, env: { PORT: 'eighty' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'PORT=eighty is not a port number (1-65535): set PORT to one, or pass --port.\n',
    );
  });

  it.each([
    ['NATS_URL', 'nats://127.0.0.1:PORT', 'NATS is not reachable at nats://127.0.0.1:PORT (from NATS_URL)'],
    [
      'DATABASE_URL',
      'postgres://app:s3cret@127.0.0.1:PORT/chainmail',
      'Postgres is not reachable at postgres://app:***@127.0.0.1:PORT/chainmail (from DATABASE_URL)',
    ],
  ])(
    'names the dependency and the URL of %s in one line when nothing answers there',
    async (variable, url, said) => {
      const dead = String(await freePort());
      const result = await cli(['up', '--port', String(port)], {
        repoRoot: root,
        env: { [variable]: url.replace('PORT', dead) },
      });

      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain('Starting Chainmail');
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        `error: ${said.replace('PORT', dead)}: start it there, or unset ${variable} to let \`npx chainmail up\` start one.`,
      ]);
      expect(result.stderr).not.toContain('s3cret');
    },
  );

  it('says which variable to change when the mail port is taken', async () => {
    const result = await cli(['up', '--port', String(port)], {
      repoRoot: root,
      env: { FAKE_MODE: 'smtp-busy' },
    });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'The mail port is already in use: set CHAINMAIL_SMTP_PORT to another port',
    );
    expect(result.stderr).not.toContain('choose another with --port');
  });

  it('--detach runs the demo, prints its output and next steps, and leaves the server running with a pid file', async () => {
    const result = await cli(['up', '--port', String(port), '--detach'], {
      repoRoot: root,
      env: { FAKE_EVENTS: JSON.stringify(succeededRun), XDG_CONFIG_HOME: join(root, 'config') },
    });
    const pid = Number(await readFile(join(root, '.chainmail', 'server.pid'), 'utf8'));
    try {
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Chainmail is ready at http://127.0.0.1:${port}`);
      expect(result.stdout).toContain(
        'Demo: competitor-analysis with user_input="Analyze our competitors in the CRM space"',
      );
      expect(result.stdout).toContain('✓ summarize    summarize@   succeeded 1.5 s');
      expect(result.stdout).toContain('✓ Run succeeded in 1.5 s\n\nFinal report\nwith two lines\n');
      expect(result.stdout).toContain('chainmail runs');
      expect(result.stdout).toContain('Email in: smtp://127.0.0.1:2525\n');
      expect(result.stdout).toMatch(/competitor-intel@<any domain> +starts competitor-analysis\n/);
      expect(result.stdout).toContain('--mail-rcpt competitor-intel@localhost -T -');
      expect(result.stdout).toContain(`Sent mail: http://127.0.0.1:${port}/mailbox`);
      expect(result.stdout).toContain(`Console: http://127.0.0.1:${port}/ `);
      expect(result.stdout).toContain(`export CHAINMAIL_URL=http://127.0.0.1:${port}`);
      expect(result.stdout).toContain(`Running in the background (pid ${pid})`);
      // The admin token: made by the CLI, shown once, saved 0600 for this URL, and accepted by the server.
      const token = /Admin API token \(shown once\): (cm_[0-9a-f]{16}_[A-Za-z0-9_-]{43})\n/.exec(
        result.stdout,
      )?.[1];
      expect(token).toBeDefined();
      const file = join(root, 'config', 'chainmail', 'credentials.json');
      expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({
        [`http://127.0.0.1:${port}`]: { token, source: 'up' },
      });
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const runs = await cli(['runs', '--url', `http://127.0.0.1:${port}`], {
        env: { XDG_CONFIG_HOME: join(root, 'config') },
      });
      expect(runs.stderr).not.toContain('UNAUTHENTICATED');
      expect(alive(pid)).toBe(true);
      const log = await readFile(join(root, '.chainmail', 'server.log'), 'utf8');
      expect(log).toContain(`examples from ${join(root, 'examples')}`);
      expect(log).toContain('mail catcher true, smtp out smtp://127.0.0.1:1025');
      expect(log).toContain(
        'run started with {"inputs":{"user_input":"Analyze our competitors in the CRM space"}}',
      );
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });

  it('in the foreground, forwards the server log lines until Ctrl-C, then stops the server with SIGTERM', async () => {
    const signals = new EventEmitter();
    const result = await cli(['up', '--port', String(port), '--no-demo'], {
      repoRoot: root,
      signals,
      onOut: (text) => {
        if (text.includes('Press Ctrl-C')) setTimeout(() => signals.emit('interrupt'), 50);
      },
    });

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('Demo:');
    expect(result.stdout).toContain('Stopping Chainmail…\n');
    expect(result.stdout).toContain('server │ got SIGTERM, closing\n');
    expect(result.stdout).toMatch(/Stopped\.\n$/);
    expect(await answers(`http://127.0.0.1:${port}`)).toBe(false);
  });

  it('does not start a second server when one already answers on the port', async () => {
    const running = await FakeApiServer.start({
      'GET /readyz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    });
    try {
      const result = await cli(['up', '--port', new URL(running.url).port, '--no-demo'], { repoRoot: root });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Chainmail is already running at ${running.url}.`);
    } finally {
      await running.close();
    }
  });

  it('starts the server again with the token it saved (not shown again), or with CHAINMAIL_ADMIN_TOKEN (never shown)', async () => {
    const env = { XDG_CONFIG_HOME: join(root, 'config') };
    const stopSoon = (): { signals: EventEmitter; onOut: (text: string) => void } => {
      const signals = new EventEmitter();
      return {
        signals,
        onOut: (text) => text.includes('Press Ctrl-C') && setTimeout(() => signals.emit('interrupt'), 20),
      };
    };
    const first = await cli(['up', '--port', String(port), '--no-demo'], {
      repoRoot: root,
      env,
      ...stopSoon(),
    });
    expect(first.code).toBe(0);
    const token = /Admin API token \(shown once\): (\S+)\n/.exec(first.stdout)?.[1] ?? '';

    const second = await cli(['up', '--port', String(port), '--no-demo'], {
      repoRoot: root,
      env,
      ...stopSoon(),
    });
    expect(second.code).toBe(0);
    expect(second.stdout).not.toContain('Admin API token');
    // The fake server only answers /v1 with the token it was given: the mailbox line proves they match.
    expect(second.stdout).toContain(`Sent mail: http://127.0.0.1:${port}/mailbox`);
    expect(second.stdout).not.toContain(token);

    const operator = 'cm_0123456789abcdef_' + 'A'.repeat(43);
    const third = await cli(['up', '--port', String(port), '--no-demo'], {
      repoRoot: root,
      env: { XDG_CONFIG_HOME: join(root, 'other'), CHAINMAIL_ADMIN_TOKEN: operator },
      ...stopSoon(),
    });
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`Sent mail: http://127.0.0.1:${port}/mailbox`);
    expect(third.stdout).not.toContain(operator);
  });

  it('says how to log in when a server already runs and no token is saved for it', async () => {
    const running = await FakeApiServer.start({
      'GET /readyz': (_req, res) => sendJson(res, 200, { status: 'ok' }),
    });
    try {
      const result = await cli(['up', '--port', new URL(running.url).port], {
        repoRoot: root,
        env: { XDG_CONFIG_HOME: join(root, 'config') },
      });
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(
        `No API token is saved for ${running.url}: \`npx chainmail login --url ${running.url}\``,
      );
    } finally {
      await running.close();
    }
  });
});
