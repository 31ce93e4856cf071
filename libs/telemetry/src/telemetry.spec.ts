import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-node';
import { extractTraceContext, injectTraceHeaders } from './propagation';
import { runContext, runSpanId } from './run-trace';
import { createTelemetry, initTelemetry, type Telemetry } from './telemetry';
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

const TRIGGER = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('initTelemetry', () => {
  it('is idempotent per process: the first call decides, later calls get the same instance', async () => {
    const first = initTelemetry({ exporter: collectingExporter() });
    const second = initTelemetry({});

    expect(second).toBe(first);
    expect(second.exporting).toBe(true);
    expect(second.tracer('execution')).toBe(first.tracer('execution'));
    await first.shutdown();
  });

  it('registers a context manager and a global provider named after the process, and starts again after shutdown', async () => {
    const exporter = collectingExporter();
    const telemetry = initTelemetry({ exporter, processName: 'chainmail' });
    trace.getTracer('some library').startSpan('via the global API').end();
    await withSpan(telemetry.tracer('execution'), 'outer', {}, () =>
      withSpan(telemetry.tracer('execution'), 'inner', {}, async () => undefined),
    );
    await telemetry.shutdown();
    const [global, inner, outer] = exporter.spans;
    expect(global.resource.attributes['service.name']).toBe('chainmail');
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);

    const again = initTelemetry({ exporter });
    expect(again).not.toBe(telemetry);
    await again.shutdown();
  });

  it('flushes ended spans on shutdown, even before the batch interval', async () => {
    const exporter = collectingExporter();
    const telemetry = initTelemetry({ exporter });
    await withSpan(telemetry.tracer('execution'), 'step', {}, async () => undefined);
    expect(exporter.spans).toHaveLength(0);

    await telemetry.shutdown();
    expect(exporter.spans.map((s) => s.name)).toEqual(['step']);
  });
});

describe('a service name per service', () => {
  it('gives each service its own resource in one process, sharing namespace, version, instance and OTEL_RESOURCE_ATTRIBUTES', async () => {
    process.env.OTEL_RESOURCE_ATTRIBUTES = 'deployment.environment.name=test';
    const exporter = collectingExporter();
    const telemetry = createTelemetry({ exporter });
    delete process.env.OTEL_RESOURCE_ATTRIBUTES;
    for (const service of [
      'ingress',
      'execution',
      'projector',
      'scheduling',
      'notification',
      'registry',
    ] as const)
      telemetry.tracer(service).startSpan(service).end();
    await telemetry.shutdown();

    const resources = exporter.spans.map((s) => s.resource.attributes);
    expect(resources.map((r) => r['service.name'])).toEqual([
      'chainmail-ingress',
      'chainmail-execution',
      'chainmail-projector',
      'chainmail-scheduling',
      'chainmail-notification',
      'chainmail-registry',
    ]);
    for (const r of resources)
      expect(r).toMatchObject({
        'service.namespace': 'chainmail',
        'service.version': expect.stringMatching(/^\d+\.\d+\.\d+/),
        'service.instance.id': resources[0]['service.instance.id'],
        'deployment.environment.name': 'test',
      });
    expect(exporter.spans[1].instrumentationScope.name).toBe('chainmail-execution');
  });
});

/** What `injectTraceHeaders()` writes, from the active context, after an await inside a span. */
function headersInjectedAfterAnAwait(telemetry: Telemetry): Promise<Record<string, string>> {
  return withSpan(
    telemetry.tracer('execution'),
    'step',
    { parent: extractTraceContext({ traceparent: TRIGGER }) },
    async () => {
      await Promise.resolve();
      return injectTraceHeaders({});
    },
  );
}

describe('without an exporter', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = initTelemetry({});
  });
  afterAll(() => telemetry.shutdown());

  it('records nothing, yet spans get ids and carry the incoming trace on where it is passed', async () => {
    expect(telemetry.exporting).toBe(false);
    const headers = await withSpan(
      telemetry.tracer('execution'),
      'step',
      { parent: extractTraceContext({ traceparent: TRIGGER }) },
      async (span, ctx) => {
        expect(span.isRecording()).toBe(false);
        return injectTraceHeaders({}, ctx);
      },
    );
    const sent = trace.getSpanContext(extractTraceContext(headers));
    expect(sent?.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(sent?.spanId).not.toBe('00f067aa0ba902b7');
  });

  it('tracks no active span (no promise hooks for spans nobody records)', async () => {
    const implicit = await headersInjectedAfterAnAwait(telemetry);
    expect(implicit).toEqual({});
    expect(context.active()).toBe(ROOT_CONTEXT);
  });

  it('records no run span either', () => {
    expect(() =>
      telemetry.recordRun('execution', {
        runId: 'r-0',
        workflow: 'w',
        version: 1,
        trigger: 'api',
        startedAt: 0,
        endedAt: 1,
        status: 'succeeded',
      }),
    ).not.toThrow();
  });
});

describe('without an exporter, for JSON logs (activeSpans)', () => {
  let telemetry: Telemetry;
  beforeAll(() => {
    telemetry = initTelemetry({ activeSpans: true });
  });
  afterAll(() => telemetry.shutdown());

  it('tracks the active span across awaits, so log lines can carry its ids', async () => {
    const implicit = await headersInjectedAfterAnAwait(telemetry);
    expect(trace.getSpanContext(extractTraceContext(implicit))?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });
});

describe('the run span', () => {
  const run = {
    runId: 'run-1',
    workflow: 'digest',
    version: 3,
    trigger: 'email',
    startedAt: '2026-01-01T10:00:00.000Z',
    endedAt: '2026-01-01T10:00:05.000Z',
  };

  async function recorded(
    ended: Parameters<Telemetry['recordRun']>[1],
  ): Promise<{ run: ReadableSpan; step: ReadableSpan }> {
    const exporter = collectingExporter();
    const telemetry = createTelemetry({ exporter });
    // A step runs first, maybe in another process: its parent is the run span, not yet recorded.
    telemetry.tracer('execution').startSpan('step a', {}, runContext(ended)).end();
    telemetry.recordRun('execution', ended);
    await telemetry.shutdown();
    const [step, runSpan] = exporter.spans;
    return { run: runSpan, step };
  }

  it('is the child of the trigger, with the id its step spans already point to, over the run time', async () => {
    const { run: span, step } = await recorded({ ...run, startedIn: TRIGGER, status: 'succeeded' });
    expect(span.name).toBe('run digest');
    expect(span.spanContext()).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: runSpanId('run-1'),
    });
    expect(span.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(step.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(step.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
    expect(span.startTime).toEqual([Date.parse(run.startedAt) / 1000, 0]);
    expect(span.duration).toEqual([5, 0]);
    expect(span.attributes).toEqual({
      'chainmail.run.id': 'run-1',
      'chainmail.workflow': 'digest',
      'chainmail.workflow.version': 3,
      'chainmail.trigger': 'email',
      'chainmail.run.status': 'succeeded',
    });
    expect(span.status.code).toBe(0);
  });

  it('is a root of its own trace (derived from the run id) when the run was started outside any', async () => {
    const { run: span, step } = await recorded({ ...run, status: 'succeeded' });
    expect(span.parentSpanContext).toBeUndefined();
    expect(span.spanContext().traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(step.spanContext().traceId).toBe(span.spanContext().traceId);
    expect(step.parentSpanContext?.spanId).toBe(span.spanContext().spanId);
  });

  it('says a failed run failed, with its error code', async () => {
    const error = { code: 'STEP_FAILED', message: 'step a failed: research@ timed out' };
    const { run: span } = await recorded({ ...run, startedIn: TRIGGER, status: 'failed', error });
    expect(span.status).toEqual({ code: 2, message: error.message });
    expect(span.attributes).toMatchObject({ 'error.type': 'STEP_FAILED', 'chainmail.run.status': 'failed' });
  });

  it('after a rewind, is a span of its own for the stretch since the rewind, a child of the run span', async () => {
    const rewound = { count: 2, at: '2026-01-01T11:00:00.000Z' };
    const { run: span } = await recorded({
      ...run,
      startedIn: TRIGGER,
      endedAt: '2026-01-01T11:00:03.000Z',
      status: 'succeeded',
      rewound,
    });
    expect(span.name).toBe('run digest after rewind 2');
    expect(span.spanContext().traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.spanContext().spanId).not.toBe(runSpanId('run-1'));
    expect(span.parentSpanContext?.spanId).toBe(runSpanId('run-1'));
    expect(span.startTime).toEqual([Date.parse(rewound.at) / 1000, 0]);
    expect(span.duration).toEqual([3, 0]);
    const again = await recorded({ ...run, status: 'succeeded', rewound: { ...rewound, count: 3 } });
    expect(again.run.spanContext().spanId).not.toBe(span.spanContext().spanId);
  });

  it('has the same id in every process (derived from the run id), and another for another run', () => {
    expect(runSpanId('run-1')).toBe(runSpanId('run-1'));
    expect(runSpanId('run-2')).not.toBe(runSpanId('run-1'));
    expect(trace.getSpanContext(runContext({ runId: 'run-1' }))?.spanId).toBe(runSpanId('run-1'));
  });
});
