import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import {
  CHAINMAIL_AGENT,
  CHAINMAIL_RUN_ID,
  CHAINMAIL_STEP_ID,
  CHAINMAIL_WORKFLOW,
  runAttributes,
  setRunIdentity,
} from './attributes';
import { initTelemetry, type Telemetry } from './telemetry';
import { withSpan } from './with-span';

class AgentTimeout extends Error {
  readonly code = 'AGENT_TIMEOUT';
}

describe('withSpan', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;

  beforeAll(() => {
    telemetry = initTelemetry({ exporter });
  });
  afterAll(() => telemetry.shutdown());
  beforeEach(() => exporter.reset());

  async function finished(): Promise<ReadableSpan[]> {
    await telemetry.forceFlush();
    return exporter.getFinishedSpans();
  }

  it('ends the span with the result, its attributes and the service that made it', async () => {
    const tracer = telemetry.tracer('execution');
    const result = await withSpan(
      tracer,
      'step summarize',
      {
        kind: SpanKind.CONSUMER,
        attributes: runAttributes({ runId: 'r-1', workflow: 'digest', stepId: 'summarize' }),
      },
      async (span) => {
        expect(span.isRecording()).toBe(true);
        return 42;
      },
    );

    expect(result).toBe(42);
    const [span] = await finished();
    expect(span.name).toBe('step summarize');
    expect(span.kind).toBe(SpanKind.CONSUMER);
    expect(span.ended).toBe(true);
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      [CHAINMAIL_RUN_ID]: 'r-1',
      [CHAINMAIL_WORKFLOW]: 'digest',
      [CHAINMAIL_STEP_ID]: 'summarize',
    });
    expect(span.resource.attributes['service.name']).toBe('chainmail-execution');
  });

  it('records a thrown error on the span, ends it and rethrows the same error', async () => {
    const error = new AgentTimeout('research@ took longer than 30s');

    await expect(
      withSpan(telemetry.tracer('execution'), 'agent research@', {}, async () => {
        throw error;
      }),
    ).rejects.toBe(error);

    const [span] = await finished();
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'research@ took longer than 30s' });
    expect(span.attributes['error.type']).toBe('AGENT_TIMEOUT');
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0].attributes).toMatchObject({
      'exception.message': 'research@ took longer than 30s',
    });
  });

  it('records a non-Error throw and a synchronous throw too', async () => {
    const tracer = telemetry.tracer('execution');
    await expect(withSpan(tracer, 'a', {}, () => Promise.reject('plain string'))).rejects.toBe(
      'plain string',
    );
    const sync = (): Promise<never> => {
      throw new TypeError('before any await');
    };
    await expect(withSpan(tracer, 'b', {}, sync)).rejects.toThrow('before any await');

    const spans = await finished();
    expect(spans.map((s) => [s.name, s.status.code, s.attributes['error.type']])).toEqual([
      ['a', SpanStatusCode.ERROR, 'Error'],
      ['b', SpanStatusCode.ERROR, 'TypeError'],
    ]);
  });

  it('makes the span active inside fn, so nested spans become its children, across awaits', async () => {
    const tracer = telemetry.tracer('execution');
    await withSpan(tracer, 'step', {}, async (step) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      expect(trace.getActiveSpan()).toBe(step);
      await withSpan(telemetry.tracer('execution'), 'agent call', {}, async (span) => {
        setRunIdentity(span, { agent: 'summarize@' });
      });
    });
    expect(trace.getActiveSpan()).toBeUndefined();

    const spans = await finished();
    const step = spans.find((s) => s.name === 'step');
    const call = spans.find((s) => s.name === 'agent call');
    expect(call?.spanContext().traceId).toBe(step?.spanContext().traceId);
    expect(call?.parentSpanContext?.spanId).toBe(step?.spanContext().spanId);
    expect(call?.attributes).toMatchObject({ [CHAINMAIL_AGENT]: 'summarize@' });
  });

  it('uses an explicit parent instead of the active span', async () => {
    const tracer = telemetry.tracer('execution');
    const outer = tracer.startSpan('outer');
    const other = tracer.startSpan('other');
    const parent = trace.setSpan(context.active(), other);
    await context.with(trace.setSpan(context.active(), outer), () =>
      withSpan(tracer, 'child', { parent }, async () => undefined),
    );
    outer.end();
    other.end();

    const child = (await finished()).find((s) => s.name === 'child');
    expect(child?.parentSpanContext?.spanId).toBe(other.spanContext().spanId);
  });
});

describe('runAttributes', () => {
  it('writes only the fields given', () => {
    expect(runAttributes({ runId: 'r-9', agent: 'proofread@' })).toEqual({
      'chainmail.run.id': 'r-9',
      'chainmail.agent': 'proofread@',
    });
    expect(runAttributes({ workflow: 'digest', version: 2, stepId: 'a', trigger: 'email' })).toEqual({
      'chainmail.workflow': 'digest',
      'chainmail.workflow.version': 2,
      'chainmail.step.id': 'a',
      'chainmail.trigger': 'email',
    });
  });
});
