import { createTransport } from 'nodemailer';
import {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../libs/telemetry/src/testing/otlp-receiver';
import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';
import { listen, type LocalServer } from '../support/local-agents';

/**
 * Traces as a collector receives them, from the built processes and the SDK's default exporter
 * (OTLP over http/protobuf), decoded by a local receiver: one run is one trace, under the mail
 * that started it, every step span a child of the run span, every agent call a child of its step,
 * each service under its own `service.name`, whether the services run apart or in one process.
 */

const WORKFLOW = `
name: traced
trigger: email to traced@
steps:
  - name: research
    agent: echo@
    input: "{{user_input}}"
  - name: lookup
    agent: lookup@
    input: "{{research.output}}"
  - name: review
    agent: uppercase@
    input: "{{lookup.output}}"
`;

const RUN_ID = 'chainmail.run.id';

/** The lookup agent: a local HTTP agent (not instant, so its step goes through the step runner). */
let agent: LocalServer;

beforeAll(async () => {
  agent = await listen((body, _req, res) => {
    const { input } = JSON.parse(body) as { input: string };
    if (input.includes('unknown')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such thing');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ output: `looked up ${input}` }));
  });
});

afterAll(() => agent?.close());

/** Starts Chainmail exporting to a fresh receiver, with the lookup agent and the workflow. */
async function tracedChainmail(
  services: Parameters<typeof startChainmail>[0],
): Promise<{ chainmail: ChainmailUnderTest; receiver: OtlpReceiver }> {
  const receiver = await startOtlpReceiver();
  const chainmail = await startChainmail(services, {
    // The base URL, as for a collector: the exporter adds /v1/traces. No protocol given: protobuf.
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    CHAINMAIL_AGENT_ALLOW_PRIVATE: 'true',
  });
  const put = await http(chainmail.base, 'PUT', '/v1/agents/lookup@', {
    kind: 'http',
    config: { url: `${agent.url}/lookup` },
  });
  expect(put.status).toBe(200);
  expect((await http(chainmail.base, 'POST', '/v1/workflows', WORKFLOW, 'application/yaml')).status).toBe(
    201,
  );
  return { chainmail, receiver };
}

/** Mails `text` to traced@ over SMTP and waits for the run it started to end as `expected`. */
async function mailRun(
  chainmail: ChainmailUnderTest,
  text = 'crm tools',
  expected: 'succeeded' | 'failed' = 'succeeded',
): Promise<string> {
  const smtp = createTransport({
    host: '127.0.0.1',
    port: Number(chainmail.env.CHAINMAIL_SMTP_PORT),
    secure: false,
    ignoreTLS: true,
  });
  try {
    const info = await smtp.sendMail({
      from: 'jane@acme.example',
      to: 'traced@mail-to-ai.com',
      subject: 'Trace this',
      text,
    });
    const runId = /started run ([0-9a-f-]{36}) of traced/.exec(info.response)?.[1];
    if (runId === undefined) throw new Error(`no run in the SMTP answer: ${info.response}`);
    await eventually(
      async () => {
        const { body } = await http<{ status: string }>(chainmail.base, 'GET', `/v1/runs/${runId}`);
        if (body?.status === undefined || body.status === 'running') return undefined;
        if (body.status !== expected) throw new Error(`run ${runId} ${body.status}`);
        return true;
      },
      20_000,
      `run ${runId} to end ${expected}`,
    );
    return runId;
  } finally {
    smtp.close();
  }
}

function one(spans: readonly ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  if (found.length !== 1)
    throw new Error(`${found.length} spans "${name}" among ${spans.map((s) => s.name).join(', ')}`);
  return found[0];
}

/** The spans of the run's trace, once the run span (recorded at the run's end) has arrived. */
async function traceOfRun(receiver: OtlpReceiver, runId: string): Promise<ReceivedSpan[]> {
  const all = await receiver.waitForSpans(
    (spans) => spans.some((s) => s.name === 'run traced' && s.attributes[RUN_ID] === runId),
    15_000,
  );
  const run = one(
    all.filter((s) => s.attributes[RUN_ID] === runId),
    'run traced',
  );
  return all.filter((s) => s.traceId === run.traceId);
}

describe('each service in its own process', () => {
  let chainmail: ChainmailUnderTest;
  let receiver: OtlpReceiver;
  let failedRunId: string;

  beforeAll(async () => {
    ({ chainmail, receiver } = await tracedChainmail(['registry', 'execution', 'projector', 'ingress']));
  }, 60_000);

  afterAll(async () => {
    await chainmail?.stop();
    await receiver?.stop();
  });

  it('puts an emailed run into one trace: mail, run, steps, agent calls, across services', async () => {
    const runId = await mailRun(chainmail);
    const view = await http<{ traceId?: string }>(chainmail.base, 'GET', `/v1/runs/${runId}`);
    failedRunId = await mailRun(chainmail, 'an unknown thing', 'failed');
    // Services export in batches; stopping them flushes what they hold.
    for (const name of ['ingress', 'execution', 'projector', 'registry'])
      await chainmail.kill(name, 'SIGTERM');
    const spans = await traceOfRun(receiver, runId);
    // The run's view names this very trace (what the console's `Open trace` opens).
    expect(view.body.traceId).toBe(spans[0].traceId);

    expect(new Set(receiver.contentTypes())).toEqual(new Set(['application/x-protobuf']));
    // Every span that names the run is in this one trace.
    const named = receiver.spans().filter((s) => s.attributes[RUN_ID] === runId);
    expect(new Set(named.map((s) => s.traceId))).toEqual(new Set([spans[0].traceId]));
    expect(new Set(spans.map((s) => s.serviceName))).toEqual(
      new Set(['chainmail-ingress', 'chainmail-execution', 'chainmail-projector']),
    );

    // The trigger is the root, the run its child.
    const mail = one(spans, 'mail received');
    const run = one(spans, 'run traced');
    expect(mail.parentSpanId).toBeUndefined();
    expect(mail.serviceName).toBe('chainmail-ingress');
    expect(mail.attributes).toMatchObject({ [RUN_ID]: runId, 'chainmail.trigger': 'email' });
    expect(run.parentSpanId).toBe(mail.spanId);
    expect(run.serviceName).toBe('chainmail-execution');
    expect(run.attributes).toEqual({
      [RUN_ID]: runId,
      'chainmail.workflow': 'traced',
      'chainmail.workflow.version': 1,
      'chainmail.trigger': 'email',
      'chainmail.run.status': 'succeeded',
    });

    // Every step span is a child of the run span, instant builtins and the HTTP agent alike.
    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name).sort()).toEqual(['step lookup', 'step research', 'step review']);
    for (const step of steps) {
      expect({ step: step.name, parent: step.parentSpanId }).toEqual({ step: step.name, parent: run.spanId });
      expect(step.attributes).toMatchObject({
        [RUN_ID]: runId,
        'chainmail.workflow': 'traced',
        'chainmail.workflow.version': 1,
        'chainmail.step.id': step.name.slice('step '.length),
      });
      // (A step's span ends once its result is appended, which may be the run's end itself.)
      expect(step.startMs).toBeGreaterThanOrEqual(run.startMs);
    }

    // Each agent call is a child of its step.
    const calls = spans.filter((s) => s.name.startsWith('agent '));
    expect(calls.map((s) => s.name).sort()).toEqual(['agent echo@', 'agent lookup@', 'agent uppercase@']);
    for (const call of calls) {
      const step = steps.find((s) => s.spanId === call.parentSpanId);
      expect({ call: call.name, step: step?.attributes['chainmail.step.id'] }).toEqual({
        call: call.name,
        step: call.attributes['chainmail.step.id'],
      });
      expect(call.attributes['chainmail.agent']).toBe(call.name.slice('agent '.length));
      expect(call.kind).toBe(3); // client
    }
  }, 90_000);

  it('marks a failed run, its failed step and agent call with error status and the error code', async () => {
    const spans = await traceOfRun(receiver, failedRunId);
    const run = one(spans, 'run traced');
    const step = one(spans, 'step lookup');
    const call = one(spans, 'agent lookup@');
    expect(run.attributes).toMatchObject({
      'chainmail.run.status': 'failed',
      'error.type': expect.any(String),
    });
    expect(run.status.code).toBe(2);
    for (const span of [step, call]) {
      expect(span.status.code).toBe(2);
      expect(span.attributes['error.type']).toMatch(/^[A-Z_]+$/);
    }
    expect(step.parentSpanId).toBe(run.spanId);
    expect(call.parentSpanId).toBe(step.spanId);
    expect(spans.some((s) => s.name === 'step review')).toBe(false);
  });
});

describe('all services in one process', () => {
  let chainmail: ChainmailUnderTest;
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    ({ chainmail, receiver } = await tracedChainmail(['all-in-one']));
  }, 60_000);

  afterAll(async () => {
    await chainmail?.stop();
    await receiver?.stop();
  });

  it('reports each service under its own service.name, one process instance', async () => {
    const runId = await mailRun(chainmail);
    await chainmail.kill('all-in-one', 'SIGTERM');
    const spans = await traceOfRun(receiver, runId);

    const byService = new Map(spans.map((s) => [s.serviceName, s.resource]));
    expect([...byService.keys()].sort()).toEqual([
      'chainmail-execution',
      'chainmail-ingress',
      'chainmail-notification',
      'chainmail-projector',
    ]);
    const instances = new Set([...byService.values()].map((r) => r['service.instance.id']));
    expect(instances.size).toBe(1);
    for (const resource of byService.values()) expect(resource['service.namespace']).toBe('chainmail');
    const run = one(spans, 'run traced');
    for (const step of spans.filter((s) => s.name.startsWith('step ')))
      expect(step.parentSpanId).toBe(run.spanId);
  }, 90_000);
});
