import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
import { currentSpanIds, extractTraceContext, injectTraceHeaders } from './propagation';
import { initTelemetry, type Telemetry } from './telemetry';
import { withSpan } from './with-span';

describe('trace context in message headers', () => {
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = initTelemetry({ exporter: new InMemorySpanExporter() });
  });
  afterAll(() => telemetry.shutdown());

  it('injects the active span into the record it is given and returns that record', async () => {
    await withSpan(telemetry.tracer('ingress'), 'start run', {}, async (span) => {
      const headers = { 'Nats-Msg-Id': 'r-1:start' };
      const returned = injectTraceHeaders(headers);

      expect(returned).toBe(headers);
      expect(headers['Nats-Msg-Id']).toBe('r-1:start');
      const { traceId, spanId } = span.spanContext();
      expect(headers).toHaveProperty('traceparent', `00-${traceId}-${spanId}-01`);
    });
  });

  it('injects nothing outside a span', () => {
    expect(injectTraceHeaders({})).toEqual({});
  });

  it('extracts the sender span as a remote parent, tracestate included', async () => {
    const headers = {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'vendor=opaque',
    };
    const parent = trace.getSpanContext(extractTraceContext(headers));

    expect(parent).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      isRemote: true,
    });
    expect(parent?.traceState?.get('vendor')).toBe('opaque');
    expect(injectTraceHeaders({}, extractTraceContext(headers))).toEqual(headers);
  });

  it('reads re-cased header names', () => {
    const ctx = extractTraceContext({
      Traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(trace.getSpanContext(ctx)?.spanId).toBe('00f067aa0ba902b7');
  });

  it.each([
    ['no headers', undefined],
    ['no traceparent', { 'Nats-Msg-Id': 'x' }],
    ['a malformed traceparent', { traceparent: 'not-a-trace' }],
    ['an all-zero trace id', { traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' }],
  ])('gives the root context for %s, so the next span starts a new trace', (_case, headers) => {
    expect(extractTraceContext(headers)).toBe(ROOT_CONTEXT);
  });

  it('ignores the active span when extracting: a message continues its sender trace only', async () => {
    await withSpan(telemetry.tracer('execution'), 'consumer loop', {}, async () => {
      expect(trace.getSpan(extractTraceContext({}))).toBeUndefined();
    });
  });

  it('gives the ids of the active span for log lines, and undefined outside a trace', async () => {
    expect(currentSpanIds()).toBeUndefined();
    await withSpan(telemetry.tracer('execution'), 'step', {}, async (span) => {
      const { traceId, spanId } = span.spanContext();
      expect(currentSpanIds()).toEqual({ traceId, spanId });
    });
    expect(currentSpanIds(context.active())).toBeUndefined();
  });
});
