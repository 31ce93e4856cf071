import { gzipSync } from 'node:zlib';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createTelemetry } from '../telemetry';
import { startOtlpReceiver, type OtlpReceiver } from './otlp-receiver';

const exportBody = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'projector' } }] },
      scopeSpans: [
        {
          scope: { name: 'projector' },
          spans: [
            {
              traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
              spanId: '00f067aa0ba902b7',
              parentSpanId: '',
              name: 'project commit',
              kind: 5,
              startTimeUnixNano: '1700000000123456789',
              endTimeUnixNano: '1700000000234567890',
              attributes: [
                { key: 'chainmail.run.id', value: { stringValue: 'r-1' } },
                { key: 'messaging.batch.message_count', value: { intValue: '3' } },
                { key: 'retry', value: { boolValue: false } },
                {
                  key: 'steps',
                  value: { arrayValue: { values: [{ stringValue: 'a' }, { stringValue: 'b' }] } },
                },
              ],
              status: {},
            },
          ],
        },
      ],
    },
  ],
};

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.stop());

  const post = (
    body: string | Buffer,
    headers: Record<string, string>,
    url = receiver.url,
  ): Promise<Response> => fetch(url, { method: 'POST', body, headers });

  it('listens on 127.0.0.1 at /v1/traces', () => {
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/traces$/);
  });

  it('decodes an OTLP/HTTP JSON export, gzipped too', async () => {
    const json = JSON.stringify(exportBody);
    expect((await post(json, { 'content-type': 'application/json' })).status).toBe(200);
    const gzipped = await post(gzipSync(json), {
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    });
    expect(gzipped.status).toBe(200);

    const spans = await receiver.waitForSpans((all) => all.length === 2, 1_000);
    expect(spans[1]).toEqual(spans[0]);
    expect(spans[0]).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentSpanId: undefined,
      name: 'project commit',
      kind: 5,
      startMs: 1700000000123,
      endMs: 1700000000234,
      serviceName: 'projector',
      resource: { 'service.name': 'projector' },
      scopeName: 'projector',
      attributes: {
        'chainmail.run.id': 'r-1',
        'messaging.batch.message_count': 3,
        retry: false,
        steps: ['a', 'b'],
      },
      status: { code: 0, message: undefined },
      events: [],
    });
  });

  /** Spans as the SDK made them, a step and its failed agent call, encoded by the SDK's serializers. */
  async function sdkSpans(): Promise<ReadableSpan[]> {
    const memory = new InMemorySpanExporter();
    const telemetry = createTelemetry({ exporter: memory });
    const tracer = telemetry.tracer('execution');
    const step = tracer.startSpan('step research', { attributes: { 'chainmail.run.id': 'r-2', visit: 1 } });
    const call = tracer.startSpan(
      'agent research@',
      { kind: SpanKind.CLIENT },
      trace.setSpan(context.active(), step),
    );
    call.setStatus({ code: SpanStatusCode.ERROR, message: 'timed out' });
    call.end();
    step.end();
    await telemetry.forceFlush();
    const spans = memory.getFinishedSpans();
    await telemetry.shutdown();
    return spans;
  }

  it('decodes the SDK protobuf export as it decodes its JSON export', async () => {
    const made = await sdkSpans();
    const protobuf = ProtobufTraceSerializer.serializeRequest(made);
    const json = JsonTraceSerializer.serializeRequest(made);
    if (!protobuf || !json) throw new Error('the serializers gave nothing');
    expect((await post(Buffer.from(protobuf), { 'content-type': 'application/x-protobuf' })).status).toBe(
      200,
    );
    expect((await post(Buffer.from(json), { 'content-type': 'application/json' })).status).toBe(200);

    const spans = await receiver.waitForSpans((all) => all.length === 4, 1_000);
    expect(spans.slice(0, 2)).toEqual(spans.slice(2));
    expect(receiver.contentTypes()).toEqual(['application/x-protobuf', 'application/json']);
    const [call, step] = spans;
    const made0 = made.find((s) => s.name === 'step research');
    expect(step).toMatchObject({
      traceId: made0?.spanContext().traceId,
      spanId: made0?.spanContext().spanId,
      parentSpanId: undefined,
      name: 'step research',
      serviceName: 'chainmail-execution',
      scopeName: 'chainmail-execution',
      attributes: { 'chainmail.run.id': 'r-2', visit: 1 },
    });
    expect(step.endMs).toBeGreaterThanOrEqual(step.startMs);
    expect(step.startMs).toBeGreaterThan(Date.now() - 60_000);
    expect(call).toMatchObject({
      name: 'agent research@',
      parentSpanId: step.spanId,
      kind: 3,
      status: { code: 2, message: 'timed out' },
    });
  });

  it('refuses what it cannot read, and collects nothing from it', async () => {
    expect((await post('x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect(
      (await post(Buffer.from([0xff, 0xff, 0xff]), { 'content-type': 'application/x-protobuf' })).status,
    ).toBe(400);
    expect((await post('{not json', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('{"resourceSpans":{}}', { 'content-type': 'application/json' })).status).toBe(400);
    expect(
      (await post('{}', { 'content-type': 'application/json' }, receiver.url.replace('traces', 'logs')))
        .status,
    ).toBe(404);
    expect(receiver.requests()).toBe(5);
    expect(receiver.spans()).toEqual([]);
  });

  it('rejects waitForSpans when the spans do not come in time, naming what came', async () => {
    await expect(receiver.waitForSpans((all) => all.length > 0, 50)).rejects.toThrow(
      /within 50 ms; got \[\]/,
    );
  });
});
