import SwaggerParser from '@apidevtools/swagger-parser';
import type { OpenAPIV3 } from 'openapi-types';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/** The OpenAPI document, the /docs page and request validation, over real HTTP against ingress alone. */

let app: IngressTestApp;

beforeAll(async () => {
  app = await startIngressTestApp();
});

afterAll(async () => {
  await app?.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** Every route Express has, as Nest mapped it: `GET /v1/runs/{id}` (path parameters as OpenAPI writes them). */
function registeredRoutes(): { path: string; method: string }[] {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack.flatMap((layer) => {
    if (layer.route === undefined) return [];
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}').replace(/\*(\w+)/g, '{$1}');
    return Object.keys(layer.route.methods).map((method) => ({ path, method }));
  });
}

it('serves a valid OpenAPI 3 document without a token, with the bearer scheme', async () => {
  const answer = await call(app.base, 'GET', '/v1/openapi.json');
  expect(answer.status).toBe(200);
  const document = answer.body as OpenAPIV3.Document;
  expect(document.openapi).toMatch(/^3\./);
  await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  expect(document.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  expect(document.paths['/v1/runs']?.get?.security).toEqual([{ bearer: [] }]);
  expect(document.paths['/v1/runs']?.get).toMatchObject({ 'x-required-scope': 'read' });
  expect(document.paths['/healthz']?.get?.security).toBeUndefined();
});

it('has every /v1 route Nest registered, with its method', async () => {
  const document = (await call(app.base, 'GET', '/v1/openapi.json')).body as OpenAPIV3.Document;
  const routes = registeredRoutes().filter((r) => r.path.startsWith('/v1/'));
  expect(routes.length).toBeGreaterThan(40);
  const missing = routes.filter(
    (r) => (document.paths[r.path] as Record<string, unknown> | undefined)?.[r.method] === undefined,
  );
  expect(missing).toEqual([]);
  // And nothing in the document that Nest does not serve.
  const served = new Set(registeredRoutes().map((r) => `${r.method} ${r.path}`));
  const documented = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m] !== undefined).map((m) => `${m} ${path}`),
  );
  expect(documented.filter((d) => !served.has(d))).toEqual([]);
});

it('types the answers: response schemas name their classes', async () => {
  const document = (await call(app.base, 'GET', '/v1/openapi.json')).body as OpenAPIV3.Document;
  const ok = (path: string, method: (typeof METHODS)[number], status = '200') =>
    (document.paths[path]?.[method]?.responses[status] as OpenAPIV3.ResponseObject | undefined)?.content?.[
      'application/json'
    ]?.schema;
  expect(ok('/v1/runs/{id}', 'get')).toEqual({ $ref: '#/components/schemas/RunDetailView' });
  expect(ok('/v1/workflows/{name}/runs', 'post', '202')).toEqual({ $ref: '#/components/schemas/RunAnswer' });
  expect(ok('/v1/me', 'get')).toEqual({ $ref: '#/components/schemas/MeView' });
  const withoutSchema = Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((m) => item?.[m] !== undefined)
      .filter((m) => {
        const responses = Object.entries(item?.[m]?.responses ?? {}).filter(([s]) => /^2/.test(s));
        return !responses.some(([, r]) => (r as OpenAPIV3.ResponseObject).content !== undefined);
      })
      .map((m) => `${m} ${path}`),
  );
  expect(withoutSchema).toEqual([]);
});

it('serves the interactive page at /docs with its scripts and styles from the installed swagger-ui', async () => {
  const page = await fetch(`${app.base}/docs`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toContain('text/html');
  const html = await page.text();
  const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  expect(assets).toEqual(
    expect.arrayContaining([
      '/docs/swagger-ui.css',
      '/docs/swagger-ui-bundle.js',
      '/docs/swagger-initializer.js',
    ]),
  );
  for (const asset of assets) {
    expect(asset).toMatch(/^\//); // served here, never from a CDN
    const res = await fetch(`${app.base}${asset}`);
    expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
  }
  expect(await (await fetch(`${app.base}/docs/swagger-initializer.js`)).text()).toContain(
    "url: '/v1/openapi.json'",
  );
  expect((await fetch(`${app.base}/docs/package.json`)).status).toBe(404);
});

it('answers 400 naming the field of a body or query of the wrong type', async () => {
  const token = app.adminToken;
  const inputs = await call(app.base, 'POST', '/v1/workflows/anything/runs', {
    token,
    body: { inputs: 'text' },
  });
  expect(inputs.status).toBe(400);
  expect(inputs.body.error).toMatchObject({
    code: 'BAD_REQUEST',
    details: {
      issues: [{ in: 'body', field: 'inputs', message: 'must be a JSON object of inputs by name' }],
    },
  });
  expect(inputs.body.error.message).toContain('inputs must be a JSON object');

  const limit = await call(app.base, 'GET', '/v1/runs?limit=many', { token });
  expect(limit.status).toBe(400);
  expect(limit.body.error.details.issues).toEqual([
    { in: 'query', field: 'limit', message: 'must be a whole number ≥ 1 (at most 500)' },
  ]);

  const role = await call(app.base, 'POST', '/v1/teams/t/members', {
    token,
    body: { userId: 7, role: 'boss' },
  });
  expect(role.status).toBe(400);
  expect(role.body.error.details.issues.map((i: { field: string }) => i.field).sort()).toEqual([
    'role',
    'userId',
  ]);

  const notObject = await call(app.base, 'POST', '/v1/users', { token, body: ['Jane'] });
  expect(notObject.status).toBe(400);
  expect(notObject.body.error.message).toContain('Send a JSON object');

  const version = await call(app.base, 'POST', '/v1/workflows/x/rollback', { token, body: { version: '2' } });
  expect(version.status).toBe(400);
  expect(version.body.error.details.issues[0].field).toBe('version');
});
