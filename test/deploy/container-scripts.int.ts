import { execFile } from 'node:child_process';
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './render';

/** bin/service.js (the image's entry point) and bin/healthcheck.js (its health check and probes). */
function node(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin', script), ...args],
      { env: { PATH: process.env.PATH ?? '', ...env } },
      (err, _out, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('bin/service.js', () => {
  it('refuses an unknown service, naming where it came from and the choices', async () => {
    expect(await node('service.js', ['mailer'], {})).toEqual({
      code: 2,
      stderr:
        'Unknown Chainmail service "mailer" (from the first argument): choose one of all-in-one, ingress, execution, projector, registry, scheduling, notification.\n',
    });
    const fromEnv = await node('service.js', [], { CHAINMAIL_SERVICE: 'web' });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toContain('"web" (from CHAINMAIL_SERVICE)');
  });
});

describe('bin/healthcheck.js', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'chainmail-health-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('passes a service without HTTP while its heartbeat file is fresh, and fails it when stale or missing', async () => {
    const file = join(dir, 'heartbeat');
    const env = { CHAINMAIL_SERVICE: 'execution', CHAINMAIL_HEARTBEAT_FILE: file };
    const missing = await node('healthcheck.js', [], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`unhealthy: no heartbeat file ${file} yet`);

    await writeFile(file, 'now\n');
    expect((await node('healthcheck.js', [], env)).code).toBe(0);

    const old = new Date(Date.now() - 60_000);
    await utimes(file, old, old);
    const stale = await node('healthcheck.js', [], env);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/the heartbeat file .* is 6\d s old/);
  });

  it('asks /readyz of ingress (/healthz with --live) on PORT', async () => {
    let ready = 503;
    const seen: string[] = [];
    const server: Server = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(req.url === '/healthz' ? 200 : ready).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = String((server.address() as { port: number }).port);
    try {
      const env = { CHAINMAIL_SERVICE: 'ingress', PORT: port };
      const notReady = await node('healthcheck.js', [], env);
      expect(notReady).toEqual({
        code: 1,
        stderr: `unhealthy: GET http://127.0.0.1:${port}/readyz answered 503\n`,
      });
      expect((await node('healthcheck.js', ['--live'], env)).code).toBe(0);
      ready = 200;
      expect((await node('healthcheck.js', [], env)).code).toBe(0);
      expect(seen).toEqual(['/readyz', '/healthz', '/readyz']);
    } finally {
      await new Promise<void>((done) => server.close(() => done()));
    }
  });
});
