import { trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { extractTraceContext, injectTraceHeaders } from './propagation';
import { createTelemetry, initTelemetry, tracesUrl, type Telemetry } from './telemetry';
import { withSpan } from './with-span';

/** Unlike `InMemorySpanExporter`, keeps its spans after shutdown, so the flush on shutdown shows. */
function collectingExporter(): SpanExporter & { spans: ReadableSpan[] } {
  const spans: ReadableSpan[] = [];
  return {
    spans,
    export(batch, done) {
      spans.push(...batch);
      done({ code: ExportResultCode.SUCCESS });
    },
    shutdown: () => Promise.resolve(),
  };
}

describe('initTelemetry', () => {
  it('is idempotent per process: the first call decides, later calls get the same instance', async () => {
    const exporter = new InMemorySpanExporter();
    const first = initTelemetry({ serviceName: 'chainmail', exporter });
    const second = initTelemetry({ serviceName: 'execution' });

    expect(second).toBe(first);
    expect(second.serviceName).toBe('chainmail');
    expect(second.tracer('execution')).toBe(first.tracer('execution'));

    await first.shutdown();
  });

  it('registers with the OpenTelemetry API, and can start again after shutdown', async () => {
    const exporter = collectingExporter();
    const telemetry = initTelemetry({ serviceName: 'ingress', exporter });
    trace.getTracer('ingress').startSpan('via the global API').end();
    await telemetry.shutdown();
    expect(exporter.spans.map((s) => s.name)).toEqual(['via the global API']);

    const again = initTelemetry({ serviceName: 'projector', exporter });
    expect(again).not.toBe(telemetry);
    expect(again.serviceName).toBe('projector');
    await again.shutdown();
  });

  it('flushes ended spans on shutdown, even before the batch interval', async () => {
    const exporter = collectingExporter();
    const telemetry = initTelemetry({ serviceName: 'chainmail', exporter, flushIntervalMs: 60_000 });
    await withSpan(telemetry.tracer('execution'), 'step', {}, async () => undefined);
    expect(exporter.spans).toHaveLength(0);

    await telemetry.shutdown();
    expect(exporter.spans.map((s) => s.name)).toEqual(['step']);
  });
});

describe('without an endpoint or exporter', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = initTelemetry({ serviceName: 'chainmail' });
  });
  afterAll(() => telemetry.shutdown());

  it('records nothing, yet spans get ids and carry the incoming trace on', async () => {
    expect(telemetry.exporting).toBe(false);
    const incoming = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };

    const headers = await withSpan(
      telemetry.tracer('execution'),
      'step',
      { parent: extractTraceContext(incoming) },
      async (span) => {
        expect(span.isRecording()).toBe(false);
        return injectTraceHeaders({});
      },
    );

    const sent = trace.getSpanContext(extractTraceContext(headers));
    expect(sent?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(sent?.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('starts new traces, so log lines still have a trace id', async () => {
    const traceId = await withSpan(
      telemetry.tracer('ingress'),
      'start run',
      {},
      async (span) => span.spanContext().traceId,
    );
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe('0'.repeat(32));
  });

  it('records nothing, so a span costs no export work (speed itself is for the benchmark)', async () => {
    const recording = await withSpan(telemetry.tracer('execution'), 'step', {}, async (span) =>
      span.isRecording(),
    );
    expect(recording).toBe(false);
  });
});

describe('createTelemetry', () => {
  it('registers nothing globally: spans from the API tracers do not reach it', async () => {
    const exporter = collectingExporter();
    const local = createTelemetry({ serviceName: 'registry', exporter });
    trace.getTracer('registry').startSpan('global').end();
    local.tracer('registry').startSpan('local').end();
    await local.shutdown();

    expect(exporter.spans.map((s) => [s.name, s.resource.attributes['service.name']])).toEqual([
      ['local', 'registry'],
    ]);
  });

  it('reports batches that could not be sent', async () => {
    const failing: SpanExporter = {
      export: (_spans: ReadableSpan[], done) =>
        done({ code: ExportResultCode.FAILED, error: new Error('ECONNREFUSED') }),
      shutdown: () => Promise.resolve(),
    };
    const errors: string[] = [];
    const local = createTelemetry({
      serviceName: 'execution',
      exporter: failing,
      onExportError: (e) => errors.push(e.message),
    });
    local.tracer('execution').startSpan('lost').end();
    await expect(local.shutdown()).resolves.toBeUndefined();

    expect(errors).toEqual(['ECONNREFUSED']);
  });
});

describe('tracesUrl', () => {
  it.each([
    ['http://jaeger:4318/v1/traces', 'http://jaeger:4318/v1/traces'],
    ['http://jaeger:4318', 'http://jaeger:4318/v1/traces'],
    ['http://jaeger:4318/', 'http://jaeger:4318/v1/traces'],
    ['https://collector.example/otlp/v1/traces', 'https://collector.example/otlp/v1/traces'],
  ])('%s → %s', (endpoint, url) => {
    expect(tracesUrl(endpoint)).toBe(url);
  });
});
