import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { testNatsUrl, uniqueName } from '@chainmail/testing';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { CHAINMAIL_RUN_ID, CHAINMAIL_STEP_ID, runAttributes } from './attributes';
import { extractTraceContext, injectTraceHeaders } from './propagation';
import { createTelemetry, initTelemetry, type Telemetry } from './telemetry';
import { withSpan } from './with-span';

/**
 * Two processes, each with its own telemetry and exporter, talk only through a headers record
 * (and real NATS headers): the spans they export form one trace, each under its service's name.
 * (The official OTLP exporters cannot send from inside jest's VM, which refuses their dynamic
 * `import()`; the export itself is tested on real processes, in test/e2e/tracing.e2e.ts.)
 */
describe('one trace across processes', () => {
  const ingressSpans = new InMemorySpanExporter();
  const executionSpans = new InMemorySpanExporter();
  let ingress: Telemetry;
  let execution: Telemetry;

  beforeAll(() => {
    ingress = initTelemetry({ exporter: ingressSpans, processName: 'chainmail-ingress' });
    execution = createTelemetry({ exporter: executionSpans });
  });
  afterAll(async () => {
    await Promise.all([ingress.shutdown(), execution.shutdown()]);
  });

  const byName = (spans: readonly ReadableSpan[], name: string): ReadableSpan => {
    const span = spans.find((s) => s.name === name);
    if (!span) throw new Error(`no span "${name}" among ${spans.map((s) => s.name).join(', ')}`);
    return span;
  };

  it('links the consumer span to the producer span through the injected headers', async () => {
    const runId = uniqueName('run');
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
    await Promise.all([ingress.forceFlush(), execution.forceFlush()]);

    const spans = [...ingressSpans.getFinishedSpans(), ...executionSpans.getFinishedSpans()];
    const start = byName(spans, 'start run');
    const step = byName(spans, 'step summarize');
    const agent = byName(spans, 'agent summarize@');
    expect(new Set(spans.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(start.parentSpanContext).toBeUndefined();
    expect(step.parentSpanContext?.spanId).toBe(start.spanContext().spanId);
    expect(agent.parentSpanContext?.spanId).toBe(step.spanContext().spanId);
    expect([start, step, agent].map((s) => s.resource.attributes['service.name'])).toEqual([
      'chainmail-ingress',
      'chainmail-execution',
      'chainmail-execution',
    ]);
    expect(step.attributes).toMatchObject({ [CHAINMAIL_RUN_ID]: runId, [CHAINMAIL_STEP_ID]: 'summarize' });
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
