import { AgentDirectory, builtinAgents } from '@chainmail/agents';
import { AgentCatalog, type DefinitionCatalog } from '@chainmail/catalog';
import { DefinitionLog } from '@chainmail/event-log';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import { call, type HttpAnswer } from '../ingress/testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../ingress/testing/ingress-test-app';
import { RegistryModule } from '../registry/registry.module';

/**
 * Two users in two teams on one ingress, with the real registry composed into the same process
 * (as the all-in-one process does), on a NATS server of this suite's own: each route that names
 * an object (every `:param` route the app serves) is driven by one user against the other's
 * object and refused — 404 when the object is not theirs to see, 403 when they see it without
 * the role — and lists, live streams and team roles are checked on top.
 */

interface Person {
  id: string;
  token: string;
  tokenId: string;
}

let nats: NatsServerHandle;
let app: IngressTestApp;
const feed = new AbortController();
const people: Record<'ann' | 'bob' | 'vic' | 'rud' | 'eddie', Person> = {} as never;
let red: string;
let blue: string;
let annRun: string;
let redRun: string;
let redListing: string;

const steps = 'steps:\n  - id: a\n    agent: echo@\n    input: hello\n';
const annFlow = `name: ann-flow
triggers:
  - type: schedule
    cron: "0 7 * * *"
  - type: webhook
    path: ann-hook
    public: true
${steps}`;
const yaml = { 'content-type': 'application/yaml' };

/** The catalogs of this app fed from the definition stream, as the platform does in a process. */
async function follow(catalog: DefinitionCatalog, agents: AgentCatalog, log: DefinitionLog): Promise<void> {
  for (const { seq, event } of await log.readAll()) [catalog, agents].forEach((f) => f.apply(seq, event));
  void (async () => {
    try {
      for await (const { seq, event } of log.follow(catalog.appliedSeq + 1, feed.signal)) {
        [catalog, agents].forEach((f) => f.apply(seq, event));
      }
    } catch {
      // Stopped with the suite.
    }
  })();
}

async function as(
  who: Person | string,
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) {
  const token = typeof who === 'string' ? who : who.token;
  return call(app.base, method, path, { token, body, headers });
}

async function person(name: string): Promise<Person> {
  const user = await as(app.adminToken, 'POST', '/v1/users', { name });
  expect(user.status).toBe(201);
  const token = await as(app.adminToken, 'POST', '/v1/tokens', {
    name: `${name}'s`,
    userId: user.body.id,
    scopes: ['read', 'run', 'write'],
  });
  expect(token.status).toBe(201);
  return { id: user.body.id, token: token.body.token, tokenId: token.body.id };
}

async function startRun(who: Person, workflow: string): Promise<string> {
  const started = await as(who, 'POST', `/v1/workflows/${workflow}/runs`, { inputs: {} });
  expect(started.status).toBe(202);
  const runId: string = started.body.runId;
  const command = (await app.startCommands()).find((c) => c.runId === runId);
  if (!command) throw new Error(`no start command for ${runId}`);
  await app.finishRun(command, { output: 'done' });
  return runId;
}

beforeAll(async () => {
  nats = await startNatsServer();
  const agents = new AgentCatalog();
  const directory = new AgentDirectory(builtinAgents(), {
    bindings: agents,
    build: () => {
      throw new Error('no agent is called in this suite');
    },
  });
  // Ingress and the registry composed in one process, as services/all-in-one does.
  app = await startIngressTestApp(
    {},
    { natsUrl: nats.url, agents: { catalog: agents, directory }, modules: [RegistryModule] },
  );
  await follow(app.catalog, agents, new DefinitionLog(app.events.nc, app.events.names));

  for (const name of ['ann', 'bob', 'vic', 'rud', 'eddie'] as const) people[name] = await person(name);
  const redTeam = await as(app.adminToken, 'POST', '/v1/teams', { name: 'Red', owner: people.ann.id });
  const blueTeam = await as(app.adminToken, 'POST', '/v1/teams', { name: 'Blue', owner: people.bob.id });
  red = redTeam.body.id;
  blue = blueTeam.body.id;
  for (const [who, role] of [
    ['vic', 'viewer'],
    ['rud', 'runner'],
    ['eddie', 'editor'],
  ] as const) {
    const added = await as(people.ann, 'POST', `/v1/teams/${red}/members`, { userId: people[who].id, role });
    expect(added.status).toBeLessThan(300);
  }

  expect((await as(people.ann, 'POST', '/v1/workflows', annFlow, yaml)).status).toBe(201);
  expect(
    (await as(people.ann, 'POST', `/v1/workflows?team=${red}`, `name: red-flow\n${steps}`, yaml)).status,
  ).toBe(201);
  expect((await as(people.bob, 'POST', '/v1/workflows', `name: bob-flow\n${steps}`, yaml)).status).toBe(201);
  expect(
    (await as(people.bob, 'POST', `/v1/workflows?team=${blue}`, `name: blue-flow\n${steps}`, yaml)).status,
  ).toBe(201);
  const agent = await as(people.ann, 'PUT', '/v1/agents/ann-agent@', {
    kind: 'http',
    config: { url: 'https://agents.example/ann' },
  });
  expect(agent.status).toBe(200);
  // A listing only the Red team sees.
  const listing = await as(people.ann, 'POST', '/v1/marketplace/listings', {
    workflow: 'red-flow',
    title: 'Red only',
    visibility: 'team',
  });
  expect(listing.status).toBe(201);
  redListing = listing.body.id;
  annRun = await startRun(people.ann, 'ann-flow');
  redRun = await startRun(people.rud, 'red-flow');
  expect((await call(app.base, 'POST', '/hooks/ann-hook', { body: { topic: 'x' } })).status).toBeLessThan(
    300,
  );
}, 60_000);

afterAll(async () => {
  feed.abort();
  await app?.close();
  await nats?.stop();
});

/** `METHOD /path` of every route the app serves that names an object. */
function objectRoutes(): string[] {
  const express = app.app.getHttpAdapter().getInstance() as {
    router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] };
  };
  return express.router.stack
    .flatMap((layer) =>
      layer.route
        ? Object.keys(layer.route.methods)
            .filter((m) => m !== '_all')
            .map((m) => `${m.toUpperCase()} ${layer.route?.path}`)
        : [],
    )
    .filter((route) => route.includes('/v1/') && route.includes(':'));
}

/**
 * Each route with one of Ann's objects (or her team's) in it, and what Bob may get back. A route
 * missing here fails the suite: whoever adds a route that names an object says how it is kept apart.
 */
function annsObject(route: string): { path: string; body?: unknown; expected: number[] } {
  const none = [404];
  const targets: Record<string, { path: string; body?: unknown; expected?: number[] }> = {
    'GET /v1/workflows/:name': { path: '/v1/workflows/ann-flow' },
    'GET /v1/workflows/:name/versions': { path: '/v1/workflows/ann-flow/versions' },
    'GET /v1/workflows/:name/versions/:version': { path: '/v1/workflows/ann-flow/versions/1' },
    'POST /v1/workflows/:name/rollback': { path: '/v1/workflows/ann-flow/rollback', body: { version: 1 } },
    'POST /v1/workflows/:name/runs': { path: '/v1/workflows/ann-flow/runs', body: { inputs: {} } },
    'POST /v1/workflows/:name/update': { path: '/v1/workflows/ann-flow/update', body: {} },
    // The templates library is everyone's; using a template over Ann's workflow name is refused as taken.
    'GET /v1/templates/:id': { path: '/v1/templates/competitor-analysis', expected: [200] },
    'POST /v1/templates/:id/use': {
      path: '/v1/templates/meeting-action-items/use',
      body: { name: 'ann-flow' },
      expected: [409],
    },
    // A team-only listing of Red's: invisible to Bob, who is not in Red.
    'GET /v1/marketplace/listings/:id': { path: `/v1/marketplace/listings/${redListing}` },
    'DELETE /v1/marketplace/listings/:id': { path: `/v1/marketplace/listings/${redListing}` },
    'POST /v1/marketplace/listings/:id/star': {
      path: `/v1/marketplace/listings/${redListing}/star`,
      body: {},
    },
    'DELETE /v1/marketplace/listings/:id/star': { path: `/v1/marketplace/listings/${redListing}/star` },
    'POST /v1/marketplace/listings/:id/install': {
      path: `/v1/marketplace/listings/${redListing}/install`,
      body: { name: 'bob-red' },
    },
    'GET /v1/runs/:id': { path: `/v1/runs/${annRun}` },
    'GET /v1/analytics/workflows/:name': { path: '/v1/analytics/workflows/ann-flow' },
    'GET /v1/runs/:id/events': { path: `/v1/runs/${annRun}/events` },
    'GET /v1/runs/:id/deliveries': { path: `/v1/runs/${annRun}/deliveries` },
    'POST /v1/runs/:id/cancel': { path: `/v1/runs/${annRun}/cancel`, body: {} },
    'POST /v1/runs/:id/checkpoints/:step': {
      path: `/v1/runs/${annRun}/checkpoints/a`,
      body: { action: 'approve' },
    },
    'GET /v1/runs/:id/state': { path: `/v1/runs/${annRun}/state` },
    'POST /v1/runs/:id/step': { path: `/v1/runs/${annRun}/step`, body: {} },
    'POST /v1/runs/:id/resume': { path: `/v1/runs/${annRun}/resume`, body: {} },
    'POST /v1/runs/:id/pause': { path: `/v1/runs/${annRun}/pause`, body: {} },
    'POST /v1/schedules/:id/pause': { path: '/v1/schedules/ann-flow/pause', body: {} },
    'POST /v1/schedules/:id/resume': { path: '/v1/schedules/ann-flow:0/resume', body: {} },
    'POST /v1/runs/:id/rewind': { path: `/v1/runs/${annRun}/rewind`, body: { step: 'a' } },
    'POST /v1/runs/:id/fork': { path: `/v1/runs/${annRun}/fork`, body: { step: 'a' } },
    'GET /v1/agents/:address': { path: '/v1/agents/ann-agent@' },
    // Taken: an agent address is one namespace; the answer names no owner.
    'PUT /v1/agents/:address': {
      path: '/v1/agents/ann-agent@',
      body: { kind: 'http', config: { url: 'https://agents.example/bob' } },
      expected: [409],
    },
    'DELETE /v1/agents/:address': { path: '/v1/agents/ann-agent@' },
    // The mail catcher holds every owner's mail: admins only, whoever's mail it is.
    'GET /v1/mailbox/:id': { path: '/v1/mailbox/1', expected: [403] },
    // Users are the admin scope's: Bob's token has no admin scope.
    'GET /v1/users/:id': { path: `/v1/users/${people.ann.id}`, expected: [403] },
    'GET /v1/teams/:id': { path: `/v1/teams/${red}` },
    'POST /v1/teams/:id/members': {
      path: `/v1/teams/${red}/members`,
      body: { userId: people.bob.id, role: 'owner' },
    },
    'PATCH /v1/teams/:id/members/:userId': {
      path: `/v1/teams/${red}/members/${people.vic.id}`,
      body: { role: 'owner' },
    },
    'DELETE /v1/teams/:id/members/:userId': { path: `/v1/teams/${red}/members/${people.vic.id}` },
    'DELETE /v1/tokens/:id': { path: `/v1/tokens/${people.ann.tokenId}` },
    // Secrets and variables are named per owner: another's are reached only through its team.
    'PUT /v1/secrets/:name': { path: `/v1/secrets/KEY?team=${red}`, body: { value: 'x' } },
    'GET /v1/secrets/:name': { path: `/v1/secrets/KEY?team=${red}` },
    'DELETE /v1/secrets/:name': { path: `/v1/secrets/KEY?team=${red}` },
    'PUT /v1/variables/:name': { path: `/v1/variables/REGION?team=${red}`, body: { value: 'x' } },
    'GET /v1/variables/:name': { path: `/v1/variables/REGION?team=${red}` },
    'DELETE /v1/variables/:name': { path: `/v1/variables/REGION?team=${red}` },
  };
  const target = targets[route];
  if (!target) throw new Error(`${route} names an object: add it to this table with Ann's object`);
  return { path: target.path, body: target.body, expected: target.expected ?? none };
}

describe("one owner on another's objects", () => {
  it('is refused on every route that names an object: 404 (or 403 for admin-only routes), naming nothing of hers', async () => {
    const routes = objectRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(20);
    const wrong: string[] = [];
    for (const route of routes) {
      const [method, pattern] = route.split(' ');
      const { path, body, expected } = annsObject(`${method} ${pattern}`);
      const answer = await as(people.bob, method, path, body);
      if (!expected.includes(answer.status))
        wrong.push(`${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
      // Her id may come back only where Bob sent it himself.
      if (!path.includes(people.ann.id) && JSON.stringify(answer.body).includes(people.ann.id)) {
        wrong.push(`${route} names Ann`);
      }
    }
    expect(wrong).toEqual([]);
    // Nothing of hers changed: her run was not cancelled, her agent not replaced, her team kept its members.
    expect((await as(people.ann, 'GET', '/v1/agents/ann-agent@')).body.config.url).toBe(
      'https://agents.example/ann',
    );
    expect((await as(people.ann, 'GET', `/v1/teams/${red}`)).body.members).toHaveLength(4);
    expect((await as(people.ann, 'GET', '/v1/me')).status).toBe(200);
    const commands = await app.startCommands();
    expect(commands.filter((c) => c.actor === people.bob.id && c.workflow === 'ann-flow')).toEqual([]);
  });

  it('is refused on the live stream of a run before anything is streamed', async () => {
    const refused = await as(people.bob, 'GET', `/v1/runs/${annRun}/events`, undefined, {
      accept: 'text/event-stream',
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('RUN_NOT_FOUND');
    const res = await fetch(`${app.base}/v1/runs/${annRun}/events`, {
      headers: { authorization: `Bearer ${people.ann.token}`, accept: 'text/event-stream' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const text = await res.text();
    expect(text).toContain('event: RunStarted');
    expect(text).toContain('event: RunSucceeded');
  });

  it("counts only its own runs in analytics: another's workflows are in no figure", async () => {
    const workflows = async (who: Person) =>
      ((await as(who, 'GET', '/v1/analytics/overview')).body.workflows as { workflow: string }[]).map(
        (w) => w.workflow,
      );
    expect(await workflows(people.bob)).toEqual([]);
    const annRuns = await as(people.ann, 'GET', '/v1/analytics/workflows/ann-flow');
    expect(annRuns.status).toBe(200);
    const bobs = await as(people.bob, 'GET', '/v1/analytics/overview');
    expect(bobs.body).toMatchObject({ runs: 0 });
  });

  it('lists only its own: workflows, schedules, inbound records, agents', async () => {
    const names = async (who: Person) =>
      ((await as(who, 'GET', '/v1/workflows')).body.workflows as { name: string }[])
        .map((w) => w.name)
        .sort();
    expect(await names(people.ann)).toEqual(['ann-flow', 'red-flow']);
    expect(await names(people.bob)).toEqual(['blue-flow', 'bob-flow']);
    expect(await names(people.vic)).toEqual(['red-flow']);

    const schedules = async (who: Person) =>
      ((await as(who, 'GET', '/v1/schedules')).body.schedules as { name: string; owner: string }[]).map(
        (s) => `${s.name}:${s.owner}`,
      );
    expect(await schedules(people.ann)).toEqual([`ann-flow:user:${people.ann.id}`]);
    expect(await schedules(people.bob)).toEqual([]);

    const inbound = async (who: Person): Promise<HttpAnswer> => as(who, 'GET', '/v1/inbound');
    expect((await inbound(people.ann)).body.messages).toEqual([
      expect.objectContaining({ workflow: 'ann-flow', path: 'ann-hook' }),
    ]);
    expect((await inbound(people.bob)).body.messages).toEqual([]);

    const agents = async (who: Person) =>
      ((await as(who, 'GET', '/v1/agents')).body.agents as { address: string }[]).map((a) => a.address);
    expect(await agents(people.ann)).toContain('ann-agent@');
    expect(await agents(people.bob)).not.toContain('ann-agent@');
    expect(await agents(people.bob)).toContain('echo@');
  });

  it('cannot publish over a name another owner holds, and is not told whose it is', async () => {
    const taken = await as(people.bob, 'POST', '/v1/workflows', `name: ann-flow\n${steps}`, yaml);
    expect(taken.status).toBe(409);
    expect(JSON.stringify(taken.body)).not.toContain(people.ann.id);
    expect((await as(people.ann, 'GET', '/v1/workflows/ann-flow')).body.activeVersion).toBe(1);
  });

  it("cannot bind a webhook path (or mail address) another owner's workflow binds", async () => {
    const hook = 'trigger: { type: webhook, path: ann-hook, public: true }\n';
    const copycat = await as(people.bob, 'POST', '/v1/workflows', `name: bob-hook\n${hook}${steps}`, yaml);
    expect(copycat.status).toBe(422);
    expect(copycat.body.error.details.issues).toEqual([
      expect.objectContaining({ path: 'trigger.path', line: 2 }),
    ]);
    expect(JSON.stringify(copycat.body)).not.toMatch(/ann-flow|usr_/);
    // The hook still starts Ann's workflow alone.
    expect((await call(app.base, 'POST', '/hooks/ann-hook', { body: {} })).status).toBeLessThan(300);
  });

  it("is no exception for the admin: the installation's admin sees its own and the examples, not a user's", async () => {
    expect((await as(app.adminToken, 'GET', '/v1/workflows/ann-flow')).status).toBe(404);
    expect((await as(app.adminToken, 'GET', `/v1/runs/${annRun}`)).status).toBe(404);
  });
});

describe('team roles on a team workflow', () => {
  it('lets a viewer read it and its runs, and nothing more (403: it sees them)', async () => {
    expect((await as(people.vic, 'GET', '/v1/workflows/red-flow')).status).toBe(200);
    expect((await as(people.vic, 'GET', `/v1/runs/${redRun}`)).body.owner).toBe(`team:${red}`);
    for (const [method, path, body] of [
      ['POST', '/v1/workflows/red-flow/runs', { inputs: {} }],
      ['POST', '/v1/workflows/red-flow/rollback', { version: 1 }],
      ['POST', `/v1/runs/${redRun}/cancel`, {}],
    ] as const) {
      const refused = await as(people.vic, method, path, body);
      expect({ path, status: refused.status }).toEqual({ path, status: 403 });
      expect(refused.body.error).toMatchObject({ code: 'FORBIDDEN', details: { role: 'viewer' } });
    }
    const publish = await as(people.vic, 'POST', '/v1/workflows', `name: red-flow\n${steps}`, yaml);
    expect(publish.status).toBe(403);
  });

  it("lets a runner run it (its run is the team's, started by the runner) but not publish or roll back", async () => {
    const run = await as(people.rud, 'GET', `/v1/runs/${redRun}`);
    expect(run.body).toMatchObject({ owner: `team:${red}`, actor: people.rud.id, trigger: { kind: 'api' } });
    expect((await as(people.rud, 'POST', '/v1/workflows', `name: red-flow\n${steps}`, yaml)).status).toBe(
      403,
    );
    expect(
      (await as(people.rud, 'POST', `/v1/workflows?team=${red}`, `name: rud-flow\n${steps}`, yaml)).status,
    ).toBe(403);
    expect((await as(people.rud, 'POST', '/v1/workflows/red-flow/rollback', { version: 1 })).status).toBe(
      403,
    );
  });

  it('lets an editor publish a version (the team keeps it) and roll back', async () => {
    const v2 = await as(
      people.eddie,
      'POST',
      '/v1/workflows',
      `name: red-flow\ndescription: v2\n${steps}`,
      yaml,
    );
    expect(v2.status).toBe(201);
    expect(v2.body.version).toBe(2);
    const detail = await as(people.ann, 'GET', '/v1/workflows/red-flow');
    expect(detail.body).toMatchObject({ owner: `team:${red}`, activeVersion: 2 });
    const back = await as(people.eddie, 'POST', '/v1/workflows/red-flow/rollback', { version: 1 });
    expect(back.status).toBe(200);
    expect((await as(people.vic, 'GET', '/v1/workflows/red-flow')).body.activeVersion).toBe(1);
  });
});
