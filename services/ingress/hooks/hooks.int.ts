import { randomBytes } from 'node:crypto';
import { startIngressTestApp, type IngressTestApp } from '../testing/ingress-test-app';
import { signBody } from './webhook-signature';

/** Webhooks over real HTTP against ingress with the real NATS and Postgres. */

let app: IngressTestApp;

beforeAll(async () => {
  app = await startIngressTestApp({
    masterKey: randomBytes(32).toString('base64'),
    syncWaitMs: 1_500,
    maxWebhookBytes: 64 * 1024,
  });
  // The workflows below are the first admin's: the trigger's secret is the admin's HOOK_KEY.
  const put = await fetch(`${app.base}/v1/secrets/HOOK_KEY`, {
    method: 'PUT',
    headers: { ...app.authHeaders, 'content-type': 'text/plain' },
    body: 'hook-s3cret',
  });
  expect(put.status).toBe(200);
  app.publish(`name: signed
trigger: { type: webhook, path: intel/push, secret: "{{secrets.HOOK_KEY}}" }
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
`);
  app.publish(`name: open-hook
trigger: webhook open
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
`);
  app.publish(`name: sync-hook
mode: sync
trigger: webhook quick
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
`);
  app.publish(`name: unset-secret
trigger: { type: webhook, path: unset, secret: "{{secrets.NOT_SET}}" }
steps:
  - { id: a, agent: echo@, input: "{{user_input}}" }
`);
}, 30_000);

afterAll(async () => {
  await app?.close();
});

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string } };
}

async function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${app.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

async function inbound(): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${app.base}/v1/inbound?channel=webhook&limit=100`, { headers: app.authHeaders });
  return ((await res.json()) as { messages: Record<string, unknown>[] }).messages;
}

async function commandsFor(workflow: string): Promise<Awaited<ReturnType<IngressTestApp['startCommands']>>> {
  return (await app.startCommands()).filter((c) => c.workflow === workflow);
}

it('starts the bound workflow for a correctly signed body: 202 with the run id, body as inputs and user_input', async () => {
  const body = JSON.stringify({ topic: 'crm', note: '{{secrets.HOOK_KEY}}' });
  const answer = await post('/hooks/intel/push', body, {
    'x-chainmail-signature': signBody('hook-s3cret', body),
  });
  expect(answer.status).toBe(202);
  expect(answer.body).toMatchObject({ workflow: 'signed', version: 1 });
  const [command] = await commandsFor('signed');
  expect(command.runId).toBe(answer.body.runId);
  expect(command.inputs).toEqual({ topic: 'crm', note: '{{secrets.HOOK_KEY}}', user_input: body });
  expect(command.trigger).toEqual({
    kind: 'webhook',
    details: { path: 'intel/push', deliveryId: expect.any(String) },
  });
  const records = await inbound();
  expect(records.find((r) => r.runId === answer.body.runId)).toMatchObject({
    status: 'accepted',
    path: 'intel/push',
    workflow: 'signed',
  });
});

it('refuses a missing, malformed or wrong signature with 401, starting nothing, and records each', async () => {
  const body = '{"topic":"crm"}';
  const before = (await commandsFor('signed')).length;
  const missing = await post('/hooks/intel/push', body);
  const malformed = await post('/hooks/intel/push', body, { 'x-chainmail-signature': 'md5=abc' });
  const wrong = await post('/hooks/intel/push', body, { 'x-chainmail-signature': signBody('guess', body) });
  const tampered = await post('/hooks/intel/push', `${body} `, {
    'x-chainmail-signature': signBody('hook-s3cret', body),
  });
  for (const answer of [missing, malformed, wrong, tampered]) {
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('SIGNATURE_INVALID');
    expect(JSON.stringify(answer.body)).not.toContain('hook-s3cret');
  }
  expect(await commandsFor('signed')).toHaveLength(before);
  const reasons = (await inbound())
    .filter((r) => r.status === 'refused' && r.workflow === 'signed')
    .map((r) => r.reason);
  expect(reasons).toEqual(
    expect.arrayContaining(['signature missing', 'signature malformed', 'signature mismatch']),
  );
  expect(JSON.stringify(await inbound())).not.toContain('hook-s3cret');
});

it('starts one run for a repeated Idempotency-Key and answers the same run id', async () => {
  const key = `delivery-${Date.now()}`;
  const first = await post('/hooks/open', '{"n":1}', { 'idempotency-key': key });
  const again = await post('/hooks/open', '{"n":1}', { 'idempotency-key': key });
  const other = await post('/hooks/open', '{"n":1}', { 'idempotency-key': `${key}-b` });
  expect(first.status).toBe(202);
  expect(again.status).toBe(202);
  expect(again.body.runId).toBe(first.body.runId);
  expect(other.body.runId).not.toBe(first.body.runId);
  const ids = (await commandsFor('open-hook')).map((c) => c.runId);
  // The command log keeps one start per run id: the repeat was a duplicate.
  expect(ids.filter((id) => id === first.body.runId)).toHaveLength(1);
  const records = (await inbound()).filter((r) => r.idempotencyKey === key);
  expect(records).toHaveLength(2);
  expect(records.every((r) => r.status === 'accepted' && r.runId === first.body.runId)).toBe(true);
  expect(records.map((r) => r.reason)).toContain('repeated Idempotency-Key: the run it started before');
});

it('answers 404 for an unbound path, 413 past the body limit, 503 when the secret is not configured; all recorded', async () => {
  const unknown = await post('/hooks/nobody/here', '{}');
  expect(unknown.status).toBe(404);
  expect(unknown.body.error?.code).toBe('WEBHOOK_NOT_FOUND');
  const big = await post('/hooks/open', JSON.stringify({ blob: 'x'.repeat(70 * 1024) }));
  expect(big.status).toBe(413);
  expect(big.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
  const unset = await post('/hooks/unset', '{}', { 'x-chainmail-signature': signBody('x', '{}') });
  expect(unset.status).toBe(503);
  const records = await inbound();
  expect(records.find((r) => r.path === 'nobody/here')).toMatchObject({
    status: 'refused',
    reason: 'no workflow is bound to this path',
  });
  expect(records.find((r) => r.path === 'open' && r.status === 'refused')?.reason).toMatch(
    /over the limit of 65536/,
  );
  expect(records.find((r) => r.path === 'unset')?.reason).toBe(
    'secret NOT_SET is not set for user:usr_admin (chainmail secrets set NOT_SET)',
  );
});

it('refuses a body that claims JSON and is not, with 400', async () => {
  const answer = await post('/hooks/open', '{broken');
  expect(answer.status).toBe(400);
  expect(answer.body.error?.code).toBe('BAD_REQUEST');
});

it('answers a sync workflow with its output once the run ends', async () => {
  const seen = await runIdsOf('sync-hook');
  const pending = post('/hooks/quick', '{"q":"ping"}');
  const command = await waitForCommand('sync-hook', seen);
  await app.finishRun(command, { output: 'pong' });
  const answer = await pending;
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    runId: command.runId,
    workflow: 'sync-hook',
    status: 'succeeded',
    output: 'pong',
  });
});

it('answers 202 running when a sync run outlasts the wait, and ?wait=true waits on the REST start too', async () => {
  const slow = await post('/hooks/quick', '{"q":"slow"}', { 'idempotency-key': `slow-${Date.now()}` });
  expect(slow.status).toBe(202);
  expect(slow.body).toMatchObject({ status: 'running' });

  const seen = await runIdsOf('open-hook');
  const pending = post(
    '/v1/workflows/open-hook/runs?wait=true',
    JSON.stringify({ inputs: { user_input: 'x' } }),
    app.authHeaders,
  );
  const started = await waitForCommand('open-hook', seen);
  await app.finishRun(started, { error: 'the agent broke' });
  const answer = await pending;
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    runId: started.runId,
    status: 'failed',
    error: { code: 'AGENT_FAILED', message: 'the agent broke', stepId: 'a' },
  });
}, 15_000);

async function runIdsOf(workflow: string): Promise<Set<string>> {
  return new Set((await commandsFor(workflow)).map((c) => c.runId));
}

/** The first start command of `workflow` whose run is not in `seen`. */
async function waitForCommand(
  workflow: string,
  seen: Set<string>,
): Promise<Awaited<ReturnType<IngressTestApp['startCommands']>>[number]> {
  const deadline = Date.now() + 3_000;
  for (;;) {
    const fresh = (await commandsFor(workflow)).filter((c) => !seen.has(c.runId));
    if (fresh.length > 0) return fresh[0];
    if (Date.now() > deadline) throw new Error(`no new start command for ${workflow}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
