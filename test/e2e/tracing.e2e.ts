import { startOtlpReceiver, type OtlpReceiver } from '@chainmail/telemetry';
import { eventually, http, startChainmail, type ChainmailUnderTest } from '../support/chainmail';

/** Each service in its own process, exporting spans to a local OTLP receiver: one run, one trace. */

let receiver: OtlpReceiver;
let chainmail: ChainmailUnderTest;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  chainmail = await startChainmail(['registry', 'execution', 'projector', 'ingress'], {
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
  });
}, 60_000);

afterAll(async () => {
  await chainmail?.stop();
  await receiver?.stop();
});

it('puts the spans of one run, across services, into one trace', async () => {
  const definition = [
    'name: traced',
    'steps:',
    '  - name: a',
    '    agent: echo@',
    '    input: "{{user_input}}"',
    '  - name: b',
    '    agent: uppercase@',
    '    input: "{{a.output}}"',
    '',
  ].join('\n');
  expect((await http(chainmail.base, 'POST', '/v1/workflows', definition, 'application/yaml')).status).toBe(
    201,
  );
  const { body } = await http<{ runId: string }>(chainmail.base, 'POST', '/v1/workflows/traced/runs', {
    inputs: { user_input: 'hi' },
  });
  await eventually(async () => {
    const res = await http<{ status: string }>(chainmail.base, 'GET', `/v1/runs/${body.runId}`);
    return res.body.status === 'succeeded' ? true : undefined;
  });
  // Services export in batches; stopping them flushes what they hold.
  await chainmail.kill('ingress', 'SIGTERM');
  await chainmail.kill('execution', 'SIGTERM');
  await chainmail.kill('projector', 'SIGTERM');
  const spans = await receiver.waitForSpans(
    (all) =>
      // A run of instant builtins is one commit: the projector's one span for it.
      all.filter((s) => s.attributes['chainmail.run_id'] === body.runId && s.serviceName === 'projector')
        .length >= 1,
    10_000,
  );
  const ofRun = spans.filter((s) => s.attributes['chainmail.run_id'] === body.runId);
  const services = new Set(ofRun.map((s) => s.serviceName));
  expect([...services].sort()).toEqual(['execution', 'ingress', 'projector']);
  const traceIds = new Set(ofRun.map((s) => s.traceId));
  expect(traceIds.size).toBe(1);
  const root = ofRun.find((s) => s.name === 'start run');
  expect(root?.parentSpanId).toBeFalsy();
  expect(
    ofRun
      .filter((s) => s.name.startsWith('agent '))
      .map((s) => s.name)
      .sort(),
  ).toEqual(['agent echo@', 'agent uppercase@']);
}, 60_000);
