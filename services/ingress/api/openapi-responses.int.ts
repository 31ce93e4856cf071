import { randomBytes } from 'node:crypto';
import Ajv, { type ValidateFunction } from 'ajv';
import type { OpenAPIV3 } from 'openapi-types';
import { call, type HttpAnswer } from '../testing/http-call';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';

/**
 * The response classes are what the routes answer: real answers, over HTTP, checked against the
 * schemas of the OpenAPI document, with no field left undeclared (a field a route answers but its
 * class does not have fails here).
 */

let app: IngressTestApp;
let document: OpenAPIV3.Document;
let ajv: Ajv;

beforeAll(async () => {
  app = await startIngressTestApp({ masterKey: randomBytes(32).toString('base64'), syncWaitMs: 500 });
  document = (await call(app.base, 'GET', '/v1/openapi.json')).body as OpenAPIV3.Document;
  ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  ajv.addSchema({ components: { schemas: toJsonSchema(document.components?.schemas) } }, 'openapi');
  app.publish(`name: documented
description: answers as documented
trigger: { type: webhook, path: documented, public: true }
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
`);
});

afterAll(async () => {
  await app?.close();
});

/** OpenAPI 3.0 schemas as JSON Schema: `nullable` as a null alternative, and closed objects. */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') out.$ref = `openapi${value}`;
    else if (key !== 'nullable') out[key] = toJsonSchema(value);
  }
  if (out.properties !== undefined && out.additionalProperties === undefined)
    out.additionalProperties = false;
  return (node as { nullable?: boolean }).nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

const validators = new Map<string, ValidateFunction>();

/** Checks an answer against the document's schema for that route and status. */
function expectDocumented(method: string, path: string, answer: HttpAnswer): void {
  const operation = (document.paths[path] as Record<string, OpenAPIV3.OperationObject> | undefined)?.[
    method.toLowerCase()
  ];
  const response = (operation?.responses[String(answer.status)] ?? operation?.responses.default) as
    OpenAPIV3.ResponseObject | undefined;
  const schema = response?.content?.['application/json']?.schema;
  if (schema === undefined)
    throw new Error(`${method} ${path} documents no JSON answer for ${answer.status}`);
  const key = `${method} ${path} ${answer.status}`;
  let validate = validators.get(key);
  if (validate === undefined) {
    validate = ajv.compile(toJsonSchema(schema) as object);
    validators.set(key, validate);
  }
  const valid = validate(answer.body);
  expect({ route: key, errors: valid ? null : validate.errors }).toEqual({ route: key, errors: null });
}

async function checked(
  method: string,
  path: string,
  concrete: string,
  status: number,
  body?: unknown,
  headers?: Record<string, string>,
): Promise<HttpAnswer> {
  const answer = await call(app.base, method, concrete, {
    token: path.startsWith('/v1/') ? app.adminToken : undefined,
    body,
    headers,
  });
  expect({ route: `${method} ${concrete}`, status: answer.status }).toEqual({
    route: `${method} ${concrete}`,
    status,
  });
  expectDocumented(method, path, answer);
  return answer;
}

it('workflows, runs and webhooks answer as documented', async () => {
  await checked('GET', '/healthz', '/healthz', 200);
  await checked('GET', '/readyz', '/readyz', 200);
  await checked('GET', '/v1/workflows', '/v1/workflows', 200);
  await checked('GET', '/v1/workflows/{name}', '/v1/workflows/documented', 200);
  await checked('GET', '/v1/workflows/{name}/versions', '/v1/workflows/documented/versions', 200);
  const first = await checked(
    'GET',
    '/v1/workflows/{name}/versions/{version}',
    '/v1/workflows/documented/versions/1',
    200,
  );
  expect(first.body).toMatchObject({
    name: 'documented',
    version: 1,
    active: true,
    definition: { name: 'documented' },
  });
  expect(first.body.source).toContain('name: documented');
  await checked('GET', '/v1/workflows/{name}/versions/{version}', '/v1/workflows/documented/versions/9', 404);
  const started = await checked('POST', '/v1/workflows/{name}/runs', '/v1/workflows/documented/runs', 202, {
    inputs: { user_input: 'hello' },
  });
  await checked('POST', '/hooks/{path}', '/hooks/documented', 202, { topic: 'CRM' });
  const command = (await app.startCommands()).find((c) => c.runId === started.body.runId);
  if (command === undefined) throw new Error('the start command was not sent');
  await app.finishRun(command, { output: 'done' });
  const id = command.runId;
  await checked('GET', '/v1/runs', '/v1/runs', 200);
  await checked('GET', '/v1/runs/{id}', `/v1/runs/${id}`, 200);
  await checked('GET', '/v1/runs/{id}/events', `/v1/runs/${id}/events`, 200);
  await checked('GET', '/v1/runs/{id}/deliveries', `/v1/runs/${id}/deliveries`, 200);
  await checked('POST', '/v1/runs/{id}/cancel', `/v1/runs/${id}/cancel`, 202, {});
  const waited = await checked(
    'POST',
    '/v1/workflows/{name}/runs',
    '/v1/workflows/documented/runs?wait=true',
    202,
    {},
  );
  expect(waited.body.status).toBe('running'); // nothing runs it here: past the wait limit, 202 running
  await checked('GET', '/v1/inbound', '/v1/inbound', 200);
  await checked('GET', '/v1/schedules', '/v1/schedules', 200);
  await checked('GET', '/v1/mailbox', '/v1/mailbox', 200);
  const figures = await checked(
    'GET',
    '/v1/analytics/workflows/{name}',
    '/v1/analytics/workflows/documented',
    200,
  );
  expect(figures.body).toMatchObject({ workflow: 'documented', succeeded: 1, successRate: 1 });
  await checked('GET', '/v1/analytics/agents', '/v1/analytics/agents', 200);
  await checked(
    'GET',
    '/v1/analytics/overview',
    '/v1/analytics/overview?bucket=hour&since=2020-01-01T00:00:00Z',
    400,
  );
  await checked('GET', '/v1/analytics/overview', '/v1/analytics/overview', 200);
}, 30_000);

it('the replay status answers as documented', async () => {
  const status = await checked('GET', '/v1/admin/replay', '/v1/admin/replay', 200);
  expect(status.body).toMatchObject({ appliedSeq: expect.any(Number), lastSeq: expect.any(Number) });
});

it('users, teams, tokens, the audit, secrets and variables answer as documented', async () => {
  await checked('GET', '/v1/me', '/v1/me', 200);
  await checked('GET', '/v1/console/config', '/v1/console/config', 200);
  const user = await checked('POST', '/v1/users', '/v1/users', 201, {
    name: 'Dana',
    email: 'dana@acme.example',
  });
  await checked('GET', '/v1/users', '/v1/users', 200);
  await checked('GET', '/v1/users/{id}', `/v1/users/${user.body.id}`, 200);
  const team = await checked('POST', '/v1/teams', '/v1/teams', 201, { name: 'platform' });
  await checked('GET', '/v1/teams', '/v1/teams', 200);
  await checked('GET', '/v1/teams/{id}', `/v1/teams/${team.body.id}`, 200);
  const members = `/v1/teams/${team.body.id}/members`;
  await checked('POST', '/v1/teams/{id}/members', members, 200, { userId: user.body.id, role: 'viewer' });
  await checked('PATCH', '/v1/teams/{id}/members/{userId}', `${members}/${user.body.id}`, 200, {
    role: 'editor',
  });
  await checked('DELETE', '/v1/teams/{id}/members/{userId}', `${members}/${user.body.id}`, 200);
  const token = await checked('POST', '/v1/tokens', '/v1/tokens', 201, { name: 'ci', scopes: 'read,run' });
  await checked('GET', '/v1/tokens', '/v1/tokens?all=true', 200);
  await checked('DELETE', '/v1/tokens/{id}', `/v1/tokens/${token.body.id}`, 200);
  await checked('GET', '/v1/audit', '/v1/audit?limit=5', 200);

  await checked('PUT', '/v1/secrets/{name}', '/v1/secrets/DOC_KEY', 200, 'a-long-enough-value', {
    'content-type': 'text/plain',
  });
  await checked('GET', '/v1/secrets', '/v1/secrets', 200);
  await checked('GET', '/v1/secrets/{name}', '/v1/secrets/DOC_KEY', 200);
  await checked('DELETE', '/v1/secrets/{name}', '/v1/secrets/DOC_KEY', 200);
  await checked('PUT', '/v1/variables/{name}', '/v1/variables/region', 200, { value: { zone: 'eu' } });
  await checked('GET', '/v1/variables', '/v1/variables', 200);
  await checked('GET', '/v1/variables/{name}', '/v1/variables/region', 200);
  await checked('DELETE', '/v1/variables/{name}', '/v1/variables/region', 200);
}, 30_000);

it('errors answer as documented', async () => {
  await checked('GET', '/v1/runs/{id}', '/v1/runs/no-such-run', 404);
  await checked('GET', '/v1/runs', '/v1/runs?status=done', 400);
});

it('the templates library answers as documented, each template with the agents it calls', async () => {
  const list = await checked('GET', '/v1/templates', '/v1/templates?q=meeting', 200);
  expect(list.body.templates).toEqual([
    expect.objectContaining({
      id: 'meeting-action-items',
      agents: ['summarize@', 'write-report@', 'proofread@'],
    }),
  ]);
  await checked('GET', '/v1/templates/{id}', '/v1/templates/meeting-action-items', 200);
});
