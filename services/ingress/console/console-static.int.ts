import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';
import { isServerPath } from './console-static';

/** The web console at `/`: its files, index.html for its own paths, the server's routes untouched. */

const INDEX = '<!doctype html><title>Chainmail</title><div id="root"></div>';
let dir: string;
let app: IngressTestApp;
let bare: IngressTestApp;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'console-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  writeFileSync(join(dir, 'assets', 'index-Ab12Cd34.js'), 'console.log("console")');
  writeFileSync(join(dir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  // A file where a server path is: never served, the server's routes are not looked up on disk.
  mkdirSync(join(dir, 'v1'));
  writeFileSync(join(dir, 'v1', 'workflows'), 'not the API');
  writeFileSync(join(dir, 'healthz'), 'not the probe');
  app = await startIngressTestApp({ consoleDir: dir });
  // A console folder with nothing built in it: the server works as before.
  bare = await startIngressTestApp({ consoleDir: join(dir, 'assets') });
}, 30_000);

afterAll(async () => {
  await bare?.close();
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
}, 30_000);

const get = (base: string, path: string, headers: Record<string, string> = {}): Promise<Response> =>
  fetch(base + path, { headers });

it('serves index.html at / and at every console path, never cached', async () => {
  for (const path of [
    '/',
    '/workflows',
    '/runs/3f1c0f9e-0000-4000-8000-000000000000',
    '/workflows/new',
    '/auth/callback?code=abc&state=def',
    '/approvals',
  ]) {
    const res = await get(app.base, path, { accept: 'text/html' });
    expect([path, res.status]).toEqual([path, 200]);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(await res.text()).toBe(INDEX);
  }
});

it('serves hashed assets as immutable, other files as they are, and 404 for a missing asset', async () => {
  const asset = await get(app.base, '/assets/index-Ab12Cd34.js');
  expect(asset.status).toBe(200);
  expect(asset.headers.get('content-type')).toMatch(/javascript/);
  expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  expect(await asset.text()).toBe('console.log("console")');
  const icon = await get(app.base, '/favicon.svg');
  expect(icon.status).toBe(200);
  expect(icon.headers.get('cache-control')).toBe('no-cache');
  const missing = await get(app.base, '/assets/index-gone.js');
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBeDefined();
});

it('leaves the API, its page, the probes and webhooks to the server', async () => {
  const api = await get(app.base, '/v1/workflows', { accept: 'text/html' });
  expect(api.status).toBe(401);
  expect(((await api.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  const unknownApi = await get(app.base, '/v1/nothing-here', { authorization: `Bearer ${app.adminToken}` });
  expect(unknownApi.status).toBe(404);
  expect(unknownApi.headers.get('content-type')).toMatch(/json/);
  expect((await get(app.base, '/healthz')).status).toBe(200);
  const docs = await get(app.base, '/docs');
  expect(await docs.text()).toContain('swagger-ui');
  const hook = await fetch(`${app.base}/hooks/nobody`, { method: 'POST', body: '{}' });
  expect(hook.status).toBe(404);
  const metrics = await get(app.base, '/metrics');
  expect(await metrics.text()).toContain('# TYPE');
  // An approval link is the server's page (signed, single use), not the console's.
  const link = await get(app.base, '/approvals/not-a-token', { accept: 'text/html' });
  expect(await link.text()).not.toContain('<div id="root">');
  const shadowed = await get(app.base, '/v1/workflows', { authorization: `Bearer ${app.adminToken}` });
  expect(shadowed.headers.get('content-type')).toMatch(/json/);
  expect(await (await get(app.base, '/healthz')).text()).not.toBe('not the probe');
  // Only GET and HEAD open the console.
  expect((await fetch(`${app.base}/workflows`, { method: 'POST' })).status).toBe(404);
});

it('counts every route the server registers as the server’s, so no new route is shadowed by the console', () => {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  const paths = express.router.stack.flatMap((layer) => (layer.route ? [layer.route.path] : []));
  expect(paths.length).toBeGreaterThan(50);
  // Parameters (`:id`, `*path`) as a request would fill them.
  const concrete = paths.map((path) => path.replace(/[:*]\w+/g, 'x'));
  expect(concrete.filter((path) => !isServerPath(path))).toEqual([]);
  // And the console's own pages are not.
  for (const page of ['/', '/runs/x', '/approvals', '/analytics/x', '/auth/callback', '/templates'])
    expect(isServerPath(page)).toBe(false);
});

it('without a built console, / stays a 404 in JSON', async () => {
  const res = await get(bare.base, '/');
  expect(res.status).toBe(404);
  expect(res.headers.get('content-type')).toMatch(/json/);
});
