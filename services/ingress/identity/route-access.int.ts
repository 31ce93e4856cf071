import { SCOPES, type Scope } from '@chainmail/contracts';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * Every route the app serves, read from Express's router, against the table of what each needs.
 * A route added without a line here fails the first test; each line is checked three ways: no
 * token (401), a token with every scope but the one needed (403), a token with only that scope
 * (let through: whatever the route answers then, it is not 401 or 403).
 */

type Access = Scope | 'authenticated' | 'public' | 'local-mailbox';

const ROUTES: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  'GET /metrics': 'public',
  'POST /hooks/*path': 'public',
  'GET /v1/openapi.json': 'public',
  'GET /docs': 'public',
  'GET /docs/:asset': 'public',
  'GET /mailbox': 'local-mailbox',
  'GET /approvals/:token': 'public',
  'POST /approvals/:token': 'public',
  'GET /v1/me': 'authenticated',
  'GET /v1/auth/config': 'public',
  'GET /v1/console/config': 'authenticated',
  'GET /v1/workflows': 'read',
  'GET /v1/workflows/:name': 'read',
  'GET /v1/workflows/:name/versions': 'read',
  'GET /v1/workflows/:name/versions/:version': 'read',
  'POST /v1/workflows': 'write',
  'POST /v1/workflows/validate': 'read',
  'POST /v1/workflows/:name/rollback': 'write',
  'POST /v1/workflows/:name/runs': 'run',
  'POST /v1/workflows/:name/update': 'write',
  'GET /v1/templates': 'read',
  'GET /v1/templates/:id': 'read',
  'POST /v1/templates/:id/use': 'write',
  'POST /v1/marketplace/listings': 'write',
  'GET /v1/marketplace/listings': 'read',
  'GET /v1/marketplace/listings/:id': 'read',
  'DELETE /v1/marketplace/listings/:id': 'write',
  'POST /v1/marketplace/listings/:id/star': 'write',
  'DELETE /v1/marketplace/listings/:id/star': 'write',
  'POST /v1/marketplace/listings/:id/install': 'write',
  'GET /v1/runs': 'read',
  'GET /v1/runs/:id': 'read',
  'GET /v1/runs/:id/events': 'read',
  'GET /v1/runs/:id/deliveries': 'read',
  'POST /v1/runs/:id/cancel': 'run',
  'POST /v1/runs/:id/checkpoints/:step': 'run',
  'GET /v1/runs/:id/state': 'read',
  'POST /v1/runs/:id/step': 'run',
  'POST /v1/runs/:id/pause': 'run',
  'POST /v1/runs/:id/resume': 'run',
  'POST /v1/runs/:id/rewind': 'run',
  'POST /v1/runs/:id/fork': 'run',
  'POST /v1/admin/replay': 'admin',
  'GET /v1/admin/replay': 'admin',
  'GET /v1/inbound': 'read',
  'GET /v1/schedules': 'read',
  'POST /v1/schedules/:id/pause': 'write',
  'POST /v1/schedules/:id/resume': 'write',
  'GET /v1/approvals': 'read',
  'GET /v1/analytics/overview': 'read',
  'GET /v1/analytics/agents': 'read',
  'GET /v1/analytics/workflows/:name': 'read',
  'GET /v1/mailbox': 'read',
  'GET /v1/mailbox/:id': 'read',
  'GET /v1/agents': 'read',
  'GET /v1/agents/:address': 'read',
  'PUT /v1/agents/:address': 'write',
  'DELETE /v1/agents/:address': 'write',
  'POST /v1/users': 'admin',
  'GET /v1/users': 'admin',
  'GET /v1/users/:id': 'admin',
  'POST /v1/teams': 'admin',
  'GET /v1/teams': 'read',
  'GET /v1/teams/:id': 'read',
  'POST /v1/teams/:id/members': 'write',
  'PATCH /v1/teams/:id/members/:userId': 'write',
  'DELETE /v1/teams/:id/members/:userId': 'write',
  'POST /v1/tokens': 'write',
  'GET /v1/tokens': 'read',
  'DELETE /v1/tokens/:id': 'write',
  'GET /v1/audit': 'admin',
  'PUT /v1/secrets/:name': 'write',
  'GET /v1/secrets': 'read',
  'GET /v1/secrets/:name': 'read',
  'DELETE /v1/secrets/:name': 'write',
  'PUT /v1/variables/:name': 'write',
  'GET /v1/variables': 'read',
  'GET /v1/variables/:name': 'read',
  'DELETE /v1/variables/:name': 'write',
};

let nats: NatsServerHandle;
let app: IngressTestApp;
const only = new Map<Scope, string>();
const allBut = new Map<Scope, string>();

beforeAll(async () => {
  // A NATS server of its own: the registry and projector subjects these calls reach are answered by nobody.
  nats = await startNatsServer();
  app = await startIngressTestApp({}, { natsUrl: nats.url });
  const user = await call(app.base, 'POST', '/v1/users', {
    token: app.adminToken,
    body: { name: 'Scoper', admin: true },
  });
  for (const scope of SCOPES) {
    for (const [map, scopes] of [
      [only, [scope]],
      [allBut, SCOPES.filter((s) => s !== scope)],
    ] as const) {
      const created = await call(app.base, 'POST', '/v1/tokens', {
        token: app.adminToken,
        body: { name: `${scope}`, userId: user.body.id, scopes },
      });
      expect(created.status).toBe(201);
      map.set(scope, created.body.token as string);
    }
  }
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.stop();
});

/** `METHOD /path` of every route Express serves, from its router stack. */
function servedRoutes(): string[] {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack.flatMap((layer) =>
    layer.route
      ? Object.keys(layer.route.methods)
          .filter((m) => m !== '_all')
          .map((m) => `${m.toUpperCase()} ${layer.route?.path}`)
      : [],
  );
}

const concrete = (path: string): string => path.replace(/:\w+/g, 'x');

it('serves exactly the routes of the table: a new route must declare its access here and on its handler', () => {
  expect(servedRoutes().sort()).toEqual(Object.keys(ROUTES).sort());
});

// The OpenAPI document is the one public route under /v1: it describes the API, calling it needs a token.
const v1 = Object.entries(ROUTES).filter(([route, access]) => route.includes(' /v1/') && access !== 'public');

it('answers the public routes without a token', async () => {
  for (const path of ['/healthz', '/v1/openapi.json', '/docs', '/docs/swagger-ui.css']) {
    expect({ path, status: (await call(app.base, 'GET', path)).status }).toEqual({ path, status: 200 });
  }
});

it.each(v1)('%s: 401 without a token', async (route) => {
  const [method, path] = route.split(' ');
  const answer = await call(app.base, method, concrete(path));
  expect(answer.status).toBe(401);
  expect(answer.body.error.code).toBe('UNAUTHENTICATED');
});

it.each(v1.filter(([, access]) => access !== 'authenticated'))(
  '%s: 403 with every scope but "%s", let through with that scope alone',
  async (route, access) => {
    const [method, path] = route.split(' ');
    const scope = access as Scope;
    const body = method === 'GET' ? undefined : {};
    const refused = await call(app.base, method, concrete(path), { token: allBut.get(scope), body });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { required: scope } });
    const allowed = await call(app.base, method, concrete(path), { token: only.get(scope), body });
    expect([401, 403]).not.toContain(allowed.status);
  },
);

it('GET /v1/me answers any valid token, whatever its scopes', async () => {
  for (const scope of SCOPES) {
    const me = await call(app.base, 'GET', '/v1/me', { token: only.get(scope) });
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual([scope]);
  }
});

describe('the /mailbox page', () => {
  it('needs a read token when the catcher is off', async () => {
    expect((await call(app.base, 'GET', '/mailbox')).status).toBe(401);
    expect((await call(app.base, 'GET', '/mailbox', { token: allBut.get('read') })).status).toBe(403);
    const page = await call(app.base, 'GET', '/mailbox', { token: only.get('read') });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('is open for the local catcher on loopback, and needs a token when the API listens beyond it', async () => {
    const local = await startIngressTestApp(
      { mailCatcher: true, httpHost: '127.0.0.1' },
      { natsUrl: nats.url },
    );
    const exposed = await startIngressTestApp(
      { mailCatcher: true, httpHost: '0.0.0.0' },
      { natsUrl: nats.url },
    );
    try {
      expect((await call(local.base, 'GET', '/mailbox')).status).toBe(200);
      expect((await call(local.base, 'GET', '/v1/mailbox')).status).toBe(401);
      expect((await call(exposed.base, 'GET', '/mailbox')).status).toBe(401);
      expect((await call(exposed.base, 'GET', '/mailbox', { token: exposed.adminToken })).status).toBe(200);
    } finally {
      await Promise.all([local.close(), exposed.close()]);
    }
    // Two more apps, each with its own database and migrations: past 5 s on a busy machine.
  }, 30_000);
});
