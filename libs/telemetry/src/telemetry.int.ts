import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { testNatsUrl, uniqueName } from '@chainmail/testing';
import { SpanKind } from '@opentelemetry/api';
import { CHAINMAIL_RUN_ID, CHAINMAIL_SERVICE, CHAINMAIL_STEP_ID, runAttributes } from './attributes';
import { extractTraceContext, injectTraceHeaders } from './propagation';
import { createTelemetry, initTelemetry, type Telemetry } from './telemetry';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './testing/otlp-receiver';
import { withSpan } from './with-span';

/**
 * Two services, each with its own tracer provider, `service.name` and OTLP/HTTP exporter, talk
 * only through a headers record; the spans they export to a local OTLP receiver form one trace.
 */
describe('one trace across services, exported over OTLP/HTTP', () => {
  let receiver: OtlpReceiver;
  let ingress: Telemetry;
  let execution: Telemetry;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    ingress = initTelemetry({ serviceName: 'ingress', otlpEndpoint: receiver.url, flushIntervalMs: 20 });
    execution = createTelemetry({
      serviceName: 'execution',
      otlpEndpoint: receiver.url,
      flushIntervalMs: 20,
    });
  });
  afterAll(async () => {
    await Promise.all([ingress.shutdown(), execution.shutdown()]);
    await receiver.stop();
  });

  const byName = (spans: readonly ReceivedSpan[], name: string): ReceivedSpan => {
    const span = spans.find((s) => s.name === name);
    if (!span) throw new Error(`no span "${name}" among ${spans.map((s) => s.name).join(', ')}`);
    return span;
  };

  it('links the consumer span to the producer span through the injected headers', async () => {
    const runId = uniqueName('run');
    // "Process A": the span that sends the message writes the headers.
    const sent = await withSpan(
      ingress.tracer('ingress'),
      'start run',
      { kind: SpanKind.PRODUCER, attributes: runAttributes({ runId, workflow: 'digest' }) },
      async () => injectTraceHeaders({ 'Nats-Msg-Id': `${runId}:start` }),
    );
    // Only the record crosses to "process B", as it would in a NATS message.
    const received: Record<string, string> = JSON.parse(JSON.stringify(sent));
    await withSpan(
      execution.tracer('execution'),
      'step summarize',
      {
        kind: SpanKind.CONSUMER,
        parent: extractTraceContext(received),
        attributes: runAttributes({ runId, stepId: 'summarize' }),
      },
      () => withSpan(execution.tracer('execution'), 'agent summarize@', {}, async () => 'done'),
    );

    const spans = (
      await receiver.waitForSpans(
        (all) => all.filter((s) => s.attributes[CHAINMAIL_RUN_ID] === runId).length >= 2,
      )
    ).filter((s) => s.traceId === byName(receiver.spans(), 'start run').traceId);
    const start = byName(spans, 'start run');
    const step = byName(spans, 'step summarize');
    const agent = byName(spans, 'agent summarize@');

    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
    expect(spans).toHaveLength(3);
    expect(start.parentSpanId).toBeUndefined();
    expect(step.parentSpanId).toBe(start.spanId);
    expect(agent.parentSpanId).toBe(step.spanId);
    expect([start.serviceName, step.serviceName, agent.serviceName]).toEqual([
      'ingress',
      'execution',
      'execution',
    ]);
    expect([start.attributes[CHAINMAIL_SERVICE], step.attributes[CHAINMAIL_SERVICE]]).toEqual([
      'ingress',
      'execution',
    ]);
    expect(step.attributes).toMatchObject({ [CHAINMAIL_RUN_ID]: runId, [CHAINMAIL_STEP_ID]: 'summarize' });
    expect([start.kind, step.kind, agent.kind]).toEqual([4, 5, 1]); // OTLP: producer, consumer, internal
  });

  it('exports a failed span with its error status and exception event', async () => {
    const runId = uniqueName('run');
    await expect(
      withSpan(
        execution.tracer('execution'),
        'agent research@',
        { attributes: runAttributes({ runId }) },
        async () => {
          throw Object.assign(new Error('research@ timed out'), { code: 'AGENT_TIMEOUT' });
        },
      ),
    ).rejects.toThrow('research@ timed out');

    const spans = await receiver.waitForSpans((all) =>
      all.some((s) => s.attributes[CHAINMAIL_RUN_ID] === runId),
    );
    const span = spans.find((s) => s.attributes[CHAINMAIL_RUN_ID] === runId);
    expect(span?.status).toEqual({ code: 2, message: 'research@ timed out' });
    expect(span?.attributes['error.type']).toBe('AGENT_TIMEOUT');
    expect(span?.events.map((e) => [e.name, e.attributes['exception.message']])).toEqual([
      ['exception', 'research@ timed out'],
    ]);
  });

  describe('through real NATS message headers', () => {
    let nc: NatsConnection;
    beforeAll(async () => {
      nc = await connect({ servers: testNatsUrl() });
    });
    afterAll(() => nc.close());

    it('carries traceparent and tracestate unchanged', async () => {
      const subject = uniqueName('telemetry.test');
      const sub = nc.subscribe(subject, { max: 1 });
      const sent = await withSpan(ingress.tracer('ingress'), 'publish', {}, async () => {
        const record = injectTraceHeaders(
          {},
          extractTraceContext({
            traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
            tracestate: 'chainmail=1',
          }),
        );
        const h = natsHeaders();
        for (const [key, value] of Object.entries(record)) h.set(key, value);
        nc.publish(subject, new Uint8Array(), { headers: h });
        return record;
      });

      for await (const msg of sub) {
        const record: Record<string, string> = {};
        for (const key of msg.headers?.keys() ?? []) record[key] = msg.headers?.get(key) ?? '';
        expect(record).toEqual(sent);
        expect(injectTraceHeaders({}, extractTraceContext(record))).toEqual({
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
          tracestate: 'chainmail=1',
        });
      }
    });
  });
});
