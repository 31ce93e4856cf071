import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { Client } from 'pg';
import { startOtlpReceiver, type OtlpReceiver } from '../../libs/telemetry/src/testing/otlp-receiver';
import { eventually, http, setSecret, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { listen, type LocalServer } from '../support/local-agents';

/**
 * A secret used by an agent never reaches what Chainmail stores or shows. Each service in its own
 * process, spans exported to a local receiver, logs at debug. An http agent receives the secret
 * ECHO_KEY in a header and (a) echoes it back in its output, raw and base64-encoded, (b) for
 * another run answers 500 with it in the error body. Then every stored byte is scanned: each
 * message of every JetStream stream (RUN_EVENTS first), every row of every Postgres table, every
 * line every process wrote, every exported span. The value is nowhere; the run shows `***`.
 */

const MARKER = `ek-${randomBytes(16).toString('hex')}`;
const SERVICES = ['ingress', 'execution', 'scheduling', 'projector', 'notification', 'registry'];
/** The value after a rotation. */
const ROTATED = `ek-${randomBytes(16).toString('hex')}`;
const FORMS = [MARKER, ROTATED].flatMap((v) => [v, Buffer.from(v).toString('base64').replace(/=+$/, '')]);

let receiver: OtlpReceiver;
let agent: LocalServer;
let chainmail: ChainmailUnderTest;

interface RunBody {
  status: string;
  output?: string;
  error?: { message: string };
  steps: { stepId: string; status: string; input?: string; output?: string; error?: { message: string } }[];
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  agent = await listen((body, req, res) => {
    const key = String(req.headers['x-api-key'] ?? '');
    const { input } = JSON.parse(body) as { input: string };
    if (input.includes('please fail')) {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`upstream rejected key ${key} (base64 ${Buffer.from(key).toString('base64')})`);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ output: `you sent ${key}; base64 ${Buffer.from(key).toString('base64')}` }));
  });
  chainmail = await startChainmail(
    ['registry', 'execution', 'projector', 'scheduling', 'notification', 'ingress'],
    {
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
      CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
      CHAINMAIL_LOG_LEVEL: 'debug',
    },
  );
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await agent?.close();
  await receiver?.stop();
});

async function runTo(input: string): Promise<{ id: string; run: RunBody }> {
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/leak-check/runs', {
    inputs: { user_input: input },
  });
  expect(started.status).toBe(202);
  const id = started.body.runId;
  const run = await eventually(
    async () => {
      const { status, body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${id}`);
      return status === 200 && body.status !== 'running' ? body : undefined;
    },
    20_000,
    `run ${id} to end`,
  ).catch(async (err: unknown) => {
    const events = await http(chainmail.base, 'GET', `/v1/runs/${id}/events`);
    throw new Error(
      `${String(err)}\n${JSON.stringify(events.body).slice(0, 4000)}\n${agent.requests.length}`,
    );
  });
  return { id, run };
}

it('refuses to publish a trigger naming a secret its owner does not have, with line and column', async () => {
  const hook = [
    'name: signed-hook',
    'trigger: { type: webhook, path: signed-hook, secret: "{{secrets.HOOK_SIGNING}}" }',
    'steps:',
    '  - { id: a, agent: echo@, input: "{{user_input}}" }',
    '',
  ].join('\n');
  const refused = await http<{ error: { code: string; details: { issues: unknown[] } } }>(
    chainmail.base,
    'POST',
    '/v1/workflows',
    hook,
    'application/yaml',
  );
  expect(refused.status).toBe(422);
  expect(refused.body.error.details.issues).toEqual([
    expect.objectContaining({
      line: 2,
      column: 55,
      message: 'the webhook trigger names the secret HOOK_SIGNING, which user:usr_admin does not have',
    }),
  ]);
  await setSecret(chainmail.base, 'HOOK_SIGNING', 'signing-key-1234');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', hook, 'application/yaml')).status).toBe(201);
}, 30_000);

it("reads the owner's variables under the definition's own vars, recorded at the start", async () => {
  for (const [name, value] of [
    ['tone', 'casual'],
    ['region', 'eu-west'],
  ])
    expect((await http(chainmail.base, 'PUT', `/v1/variables/${name}`, { value })).status).toBe(200);
  const definition = [
    'name: with-vars',
    'vars: { tone: formal }',
    'steps:',
    '  - { id: a, agent: echo@, input: "{{vars.tone}} / {{vars.region}}" }',
    '',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', definition, 'application/yaml')).status).toBe(
    201,
  );
  const started = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/with-vars/runs', {
    inputs: {},
  });
  const run = await eventually(async () => {
    const { body } = await http<RunBody>(chainmail.base, 'GET', `/v1/runs/${started.body.runId}`);
    return body.status === 'succeeded' ? body : undefined;
  });
  expect(run.steps[0]?.input).toBe('formal / eu-west');
  // A later change does not alter what this run read: the values are in its log.
  await http(chainmail.base, 'PUT', '/v1/variables/region', { value: 'us-east' });
  const events = await http<{ events: { type: string; data: { vars?: unknown } }[] }>(
    chainmail.base,
    'GET',
    `/v1/runs/${started.body.runId}/events`,
  );
  expect(events.body.events.find((e) => e.type === 'RunStarted')?.data.vars).toEqual({
    tone: 'casual',
    region: 'eu-west',
  });
  // A run started as soon as the change is answered records it (execution, in another process, keeps
  // the values it read between starts until a change is announced).
  const next = await http<{ status: string; output: string }>(
    chainmail.base,
    'POST',
    '/v1/workflows/with-vars/runs?wait=true',
    { inputs: {} },
  );
  expect(next.body).toMatchObject({ status: 'succeeded', output: 'formal / us-east' });
}, 30_000);

it("never stores or shows a secret's value, though the agent echoes it and errors with it", async () => {
  await setSecret(chainmail.base, 'ECHO_KEY', MARKER);
  const put = await http(chainmail.base, 'PUT', '/v1/agents/leaky@', {
    kind: 'http',
    config: { url: `${agent.url}/agent`, headers: { 'X-Api-Key': '{{secrets.ECHO_KEY}}' } },
  });
  expect(put.status).toBe(200);
  const definition = [
    'name: leak-check',
    'steps:',
    '  - id: call',
    '    agent: leaky@',
    '    input: "{{user_input}}"',
    '    retry: { max: 1, backoff: fixed, delay: 1s }',
    '  - id: after',
    '    agent: echo@',
    '    input: "next step got: {{call.output}}"',
    '',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', definition, 'application/yaml')).status).toBe(
    201,
  );

  const echoed = await runTo('hello');
  expect(echoed.run.status).toBe('succeeded');
  // The agent did get the value; what came back is masked, and so is what the next step saw.
  expect(agent.requests[0]?.headers['x-api-key']).toBe(MARKER);
  expect(echoed.run.steps.find((s) => s.stepId === 'call')?.output).toBe('you sent ***; base64 ***');
  expect(echoed.run.steps.find((s) => s.stepId === 'after')?.input).toBe(
    'next step got: you sent ***; base64 ***',
  );

  // Rotation: the next call sends the new value, and it is masked like the old one.
  await setSecret(chainmail.base, 'ECHO_KEY', ROTATED);
  const rotated = await runTo('hello again');
  expect(agent.requests.at(-1)?.headers['x-api-key']).toBe(ROTATED);
  expect(rotated.run.steps.find((s) => s.stepId === 'call')?.output).toBe('you sent ***; base64 ***');

  const failed = await runTo('please fail');
  expect(failed.run.status).toBe('failed');
  const error = failed.run.steps.find((s) => s.stepId === 'call')?.error?.message ?? '';
  expect(error).toContain('***');
  expect(error).toContain('upstream rejected key');

  // Everything the API shows of both runs, and their event logs.
  const shown: string[] = [];
  for (const id of [echoed.id, rotated.id, failed.id]) {
    shown.push(JSON.stringify((await http(chainmail.base, 'GET', `/v1/runs/${id}`)).body));
    shown.push(JSON.stringify((await http(chainmail.base, 'GET', `/v1/runs/${id}/events`)).body));
  }
  shown.push(JSON.stringify((await http(chainmail.base, 'GET', '/v1/secrets')).body));
  shown.push(JSON.stringify((await http(chainmail.base, 'GET', '/v1/agents/leaky@')).body));
  shown.push(JSON.stringify((await http(chainmail.base, 'GET', '/v1/audit?limit=200')).body));
  expectClean('the API', shown.join('\n'));

  // Stop the services: exporters flush their spans, logs are complete. NATS and Postgres stay up.
  for (const name of SERVICES) await chainmail.kill(name, 'SIGTERM');

  const streams = await storedStreamBytes(chainmail.natsUrl);
  expect(streams.has('RUN_EVENTS')).toBe(true);
  expect(streams.get('RUN_EVENTS')?.includes('leaky@')).toBe(true);
  for (const [stream, bytes] of streams) expectClean(`stream ${stream}`, bytes);

  const tables = await tableRows(chainmail.databaseUrl);
  expect(tables.get('run_steps')?.includes('you sent ***')).toBe(true);
  expect(tables.get('secrets')?.includes('ECHO_KEY')).toBe(true);
  for (const [table, rows] of tables) expectClean(`table ${table}`, rows);

  for (const name of SERVICES) expectClean(`the output of ${name}`, chainmail.output(name));

  const spans = await receiver.waitForSpans(
    (all) => all.some((s) => s.serviceName === 'chainmail-execution' && s.name === 'agent leaky@'),
    10_000,
  );
  expectClean('the exported spans', JSON.stringify(spans));
}, 90_000);

function expectClean(where: string, text: string): void {
  for (const form of FORMS) {
    if (text.includes(form)) throw new Error(`a secret's value (${form}) is in ${where}`);
  }
}

/** Every message of every stream, as stored: subject, headers and data bytes. */
async function storedStreamBytes(url: string): Promise<Map<string, string>> {
  const nc: NatsConnection = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    const out = new Map<string, string>();
    for await (const info of jsm.streams.list()) {
      const parts: string[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        try {
          const m = await jsm.streams.getMessage(info.config.name, { seq });
          parts.push(
            m.subject,
            m.header ? [...m.header.keys()].map((k) => `${k}:${m.header.get(k)}`).join('\n') : '',
          );
          parts.push(Buffer.from(m.data).toString('utf8'), Buffer.from(m.data).toString('latin1'));
        } catch {
          // A deleted message (a KV bucket's old revision) leaves a gap.
        }
      }
      out.set(info.config.name, parts.join('\n'));
    }
    return out;
  } finally {
    await nc.close();
  }
}

/** Every row of every table, as Postgres prints it. */
async function tableRows(url: string): Promise<Map<string, string>> {
  const db = new Client({ connectionString: url });
  await db.connect();
  try {
    const tables = await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const out = new Map<string, string>();
    for (const { table_name: table } of tables.rows) {
      const rows = await db.query<{ row: string }>(`SELECT t::text AS row FROM "${table}" t`);
      out.set(table, rows.rows.map((r) => r.row).join('\n'));
    }
    return out;
  } finally {
    await db.end();
  }
}
