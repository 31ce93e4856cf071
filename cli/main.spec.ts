import { cli } from './test/cli-harness';
import { FakeApiServer, sendJson } from './test/fake-api-server';
import { freePort } from './test/free-port';

describe('chainmail program', () => {
  it('says Chainmail is not running, and how to start it, when the connection is refused (exit 1)', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const result = await cli(['runs'], { env: { CHAINMAIL_URL: url } });

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `Chainmail is not running at ${url} — start it with \`chainmail up\`\n`,
    });
  });

  it('prints server errors as "error CODE: message" with details, exit 1', async () => {
    const api = await FakeApiServer.start({
      'POST /v1/admin/replay': (_req, res) =>
        sendJson(res, 503, {
          error: { code: 'UNAVAILABLE', message: 'NATS is not reachable', details: { retryAfterMs: 1000 } },
        }),
    });
    try {
      const result = await cli(['replay'], { env: { CHAINMAIL_URL: api.url } });
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        'error UNAVAILABLE: NATS is not reachable\n  details: {"retryAfterMs":1000}\n',
      );
    } finally {
      await api.close();
    }
  });

  it('a non-JSON error body still gives a code and a message', async () => {
    const api = await FakeApiServer.start({
      'GET /v1/workflows': (_req, res) => {
        res.writeHead(502, { 'Content-Type': 'text/plain' });
        res.end('Bad Gateway from the proxy');
      },
    });
    try {
      const result = await cli(['workflows'], { env: { CHAINMAIL_URL: api.url } });
      expect(result).toEqual({ code: 1, stdout: '', stderr: 'error HTTP_502: Bad Gateway from the proxy\n' });
    } finally {
      await api.close();
    }
  });

  it('--url beats CHAINMAIL_URL, and CHAINMAIL_TOKEN is sent as a bearer token', async () => {
    let asked = 0;
    const api = await FakeApiServer.start({
      'POST /v1/admin/replay': (_req, res) => sendJson(res, 202, { targetSeq: 42 }),
      // Not done at the first look: the CLI waits for the views to reach the target.
      'GET /v1/admin/replay': (_req, res) =>
        sendJson(res, 200, {
          targetSeq: 42,
          appliedSeq: ++asked < 2 ? 10 : 42,
          appliedEvents: asked < 2 ? 20 : 84,
          lastSeq: 42,
          done: asked >= 2,
        }),
    });
    try {
      const result = await cli(['--url', `${api.url}/`, 'replay'], {
        env: { CHAINMAIL_URL: 'http://127.0.0.1:1', CHAINMAIL_TOKEN: 'tok_123' },
      });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(
        /^Rebuilding read models from the event log…\nRead models rebuilt: 84 events \(42 commits\) in \d+\.\d s, \d+ events\/s\.\n$/,
      );
      expect(asked).toBe(2);
      expect(api.last('POST', '/v1/admin/replay')?.headers.authorization).toBe('Bearer tok_123');
      expect(api.last('GET', '/v1/admin/replay')?.headers.authorization).toBe('Bearer tok_123');
    } finally {
      await api.close();
    }
  });

  it('replay --no-wait returns once the rebuild has begun, saying where to follow it', async () => {
    const api = await FakeApiServer.start({
      'POST /v1/admin/replay': (_req, res) => sendJson(res, 202, { targetSeq: 7 }),
    });
    try {
      const result = await cli(['replay', '--no-wait'], { env: { CHAINMAIL_URL: api.url } });
      expect(result).toEqual({
        code: 0,
        stdout:
          'Rebuilding read models from the event log…\n' +
          'Started: the read models are rebuilt once they reach log sequence 7.\n' +
          '  follow it with GET /v1/admin/replay\n',
        stderr: '',
      });
      expect(api.last('GET', '/v1/admin/replay')).toBeUndefined();
    } finally {
      await api.close();
    }
  });

  it('usage errors exit 2; help and version exit 0', async () => {
    const unknown = await cli(['rnus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'rnus'");
    expect(unknown.stderr).toContain('(Did you mean runs?)');

    expect((await cli(['run'])).code).toBe(2);
    expect((await cli(['runs', '--bogus'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);

    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of [
      'up',
      'apply',
      'validate',
      'run',
      'runs',
      'logs',
      'rollback',
      'workflows',
      'versions',
      'replay',
      'cancel',
    ]) {
      expect(help.stdout).toMatch(new RegExp(`\\n  ${command}\\b`));
    }
    const version = await cli(['--version']);
    expect(version).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });
});
