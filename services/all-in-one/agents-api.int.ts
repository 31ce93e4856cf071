import { Module, type ExecutionContext } from '@nestjs/common';
import { APP_GUARD, NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@chainmail/config';
import { REGISTRY_PUBLISH_SUBJECT, type Actor } from '@chainmail/contracts';
import type { EventLogNames } from '@chainmail/event-log';
import { EVENT_LOG_NAMES, NATS_CONNECTION, processModule, serveRequests } from '@chainmail/platform';
import { startNatsServer, type NatsServerHandle } from '@chainmail/testing';
import type { NatsConnection } from 'nats';
import { AgentsController } from '../ingress/agents/agents.controller';
import { AGENTS_SERVICE } from '../ingress/agents/agents.service';
import { OpenApiDocument } from '../ingress/api/openapi-document.holder';
import { configureIngressHttp } from '../ingress/ingress.http';
import { RegistryClient } from '../ingress/registry.client';
import { RegistryModule } from '../registry/registry.module';

/**
 * The directory's REST routes through the registry's request/reply, with the real platform
 * (streams, live catalogs) on a NATS server of this suite's own, so no other registry answers.
 * Authentication is not what this suite tests: a stand-in guard makes every request Jane's
 * (the real guard and its tokens are tested in `identity/*.int.ts` over the whole ingress).
 */
const JANE: Actor = {
  userId: 'usr_jane',
  name: 'Jane',
  admin: false,
  teams: [],
  scopes: ['read', 'write'],
  tokenId: 'tok',
  via: 'token',
  expiresAt: null,
};
/** An admin: only admins register an entry over a builtin's address (it answers every owner). */
const ADMIN: Actor = { ...JANE, userId: 'usr_admin', name: 'Admin', admin: true };
let caller: Actor = JANE;
@Module({
  controllers: [AgentsController],
  providers: [
    {
      provide: RegistryClient,
      inject: [NATS_CONNECTION, EVENT_LOG_NAMES],
      useFactory: (nc: NatsConnection, names: EventLogNames) => new RegistryClient(nc, names),
    },
    AGENTS_SERVICE,
    OpenApiDocument,
    {
      provide: APP_GUARD,
      useValue: {
        canActivate: (ctx: ExecutionContext) => {
          ctx.switchToHttp().getRequest<{ actor?: Actor }>().actor = caller;
          return true;
        },
      },
    },
  ],
})
class AgentsApiModule {}

let nats: NatsServerHandle;
let app: NestExpressApplication;
let base: string;
let registry: RegistryClient;

beforeAll(async () => {
  nats = await startNatsServer();
  const config = loadConfig(
    {},
    {
      natsUrl: nats.url,
      httpHost: '127.0.0.1',
      modelPrices: { 'gpt-4o-mini': { input: 0.15, output: 0.6 } },
    },
  );
  app = await NestFactory.create<NestExpressApplication>(
    processModule({
      config,
      processName: 'agents-int',
      database: false,
      modules: [RegistryModule, AgentsApiModule],
    }),
    { logger: false, rawBody: true, bodyParser: false },
  );
  configureIngressHttp(app, config);
  await app.init();
  await serveRequests(app);
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  registry = app.get(RegistryClient);
}, 30_000);

afterAll(async () => {
  await app?.close();
  await nats?.destroy();
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed JSON, asserted field by field
type Json = Record<string, any>;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}

const openai = {
  kind: 'openai',
  config: {
    baseUrl: 'https://api.openai.com/v1',
    model: 'gpt-4o-mini',
    apiKey: '{{secrets.OPENAI_API_KEY}}',
  },
};
const workflow = 'name: uses-analyst\nsteps:\n  - id: a\n    agent: analyst@\n    input: "x"\n';

it('lists the builtins with their source', async () => {
  const { status, body } = await call('GET', '/v1/agents');
  expect(status).toBe(200);
  const research = body.agents.find((a: { address: string }) => a.address === 'research@');
  expect(research).toMatchObject({ kind: 'builtin', source: 'builtin', config: {} });
  expect(body.agents.map((a: { address: string }) => a.address)).toEqual(
    expect.arrayContaining(['echo@', 'summarize@', 'proofread@']),
  );
});

it('registers research@ as openai over the builtin (admins only, for the installation), shows it with its price, and restores the builtin on DELETE', async () => {
  const refused = await call('PUT', '/v1/agents/research@', openai);
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('FORBIDDEN');
  caller = ADMIN;
  try {
    await registersOverTheBuiltin();
  } finally {
    caller = JANE;
  }
});

async function registersOverTheBuiltin(): Promise<void> {
  const put = await call('PUT', '/v1/agents/research@', openai);
  expect(put.status).toBe(200);
  expect(put.body).toMatchObject({
    outcome: 'registered',
    agent: {
      address: 'research@',
      kind: 'openai',
      source: 'registered',
      overridesBuiltin: true,
      owner: 'installation',
      registeredBy: 'usr_admin',
      config: openai.config,
      pricing: { model: 'gpt-4o-mini', inputPerMillionUsd: 0.15, outputPerMillionUsd: 0.6 },
    },
  });
  expect((await call('PUT', '/v1/agents/Research@', openai)).body.outcome).toBe('unchanged');
  expect((await call('GET', '/v1/agents/research@')).body).toMatchObject({
    kind: 'openai',
    source: 'registered',
  });

  const removed = await call('DELETE', '/v1/agents/research@');
  expect(removed.status).toBe(200);
  expect(removed.body).toMatchObject({
    outcome: 'removed',
    address: 'research@',
    now: { kind: 'builtin', source: 'builtin' },
  });
  expect((await call('GET', '/v1/agents/research@')).body).toMatchObject({ kind: 'builtin' });
  expect((await call('DELETE', '/v1/agents/research@')).body.error).toMatchObject({
    code: 'AGENT_NOT_FOUND',
  });
}

it('answers 422 naming each wrong field, 400 for a bad address, 404 for an unknown agent', async () => {
  const invalid = await call('PUT', '/v1/agents/analyst@', {
    kind: 'openai',
    config: { baseUrl: 'localhost:11434', temperature: 9 },
  });
  expect(invalid.status).toBe(422);
  expect(invalid.body.error.code).toBe('AGENT_INVALID');
  expect(invalid.body.error.details.issues.map((i: { field: string }) => i.field)).toEqual([
    'config.baseUrl',
    'config.model',
    'config.temperature',
  ]);
  const literalKey = await call('PUT', '/v1/agents/analyst@', {
    ...openai,
    config: { ...openai.config, apiKey: 'sk-live-abc' },
  });
  expect(literalKey.status).toBe(422);
  expect(JSON.stringify(literalKey.body)).not.toContain('sk-live-abc');
  expect((await call('PUT', '/v1/agents/two%20words@', openai)).status).toBe(400);
  expect((await call('GET', '/v1/agents/ghost@')).status).toBe(404);
});

it('lets a workflow name an agent as soon as it is registered, and refuses to remove it while in use', async () => {
  const publish = () =>
    registry.request(REGISTRY_PUBLISH_SUBJECT, {
      source: workflow,
      contentType: 'yaml',
      publishedBy: 'test',
      owner: 'default',
    });
  await expect(publish()).rejects.toMatchObject({
    code: 'WORKFLOW_INVALID',
    details: { issues: [expect.objectContaining({ code: 'UNKNOWN_AGENT', line: 4, column: 12 })] },
  });
  expect(
    (
      await call('PUT', '/v1/agents/analyst@', {
        kind: 'http',
        config: { url: 'https://agents.example/analyst' },
        concurrency: 3,
      })
    ).status,
  ).toBe(200);
  await expect(publish()).resolves.toMatchObject({ name: 'uses-analyst', version: 1 });
  const conflict = await call('DELETE', '/v1/agents/analyst@');
  expect(conflict.status).toBe(409);
  expect(conflict.body.error.details).toEqual({ address: 'analyst@', workflows: ['uses-analyst'] });
  const forced = await call('DELETE', '/v1/agents/analyst@?force=true');
  expect(forced.body).toMatchObject({ outcome: 'removed', now: null });
});
