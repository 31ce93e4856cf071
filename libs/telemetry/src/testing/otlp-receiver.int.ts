import { gzipSync } from 'node:zlib';
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
              attributes: [
                { key: 'chainmail.run_id', value: { stringValue: 'r-1' } },
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
      serviceName: 'projector',
      scopeName: 'projector',
      attributes: {
        'chainmail.run_id': 'r-1',
        'messaging.batch.message_count': 3,
        retry: false,
        steps: ['a', 'b'],
      },
      status: { code: 0, message: undefined },
      events: [],
    });
  });

  it('refuses what it cannot read, and collects nothing from it', async () => {
    expect((await post('x', { 'content-type': 'application/x-protobuf' })).status).toBe(415);
    expect((await post('{not json', { 'content-type': 'application/json' })).status).toBe(400);
    expect((await post('{"resourceSpans":{}}', { 'content-type': 'application/json' })).status).toBe(400);
    expect(
      (await post('{}', { 'content-type': 'application/json' }, receiver.url.replace('traces', 'logs')))
        .status,
    ).toBe(404);
    expect(receiver.requests()).toBe(4);
    expect(receiver.spans()).toEqual([]);
  });

  it('rejects waitForSpans when the spans do not come in time, naming what came', async () => {
    await expect(receiver.waitForSpans((all) => all.length > 0, 50)).rejects.toThrow(
      /within 50 ms; got \[\]/,
    );
  });
});
