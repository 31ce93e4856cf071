import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { freePort } from '@chainmail/testing';
import { createTelemetry } from './telemetry';
import { OtlpHttpJsonSpanExporter } from './otlp-http-exporter';

/** A collector that answers each request with the next status of `statuses` (then 200). */
async function scriptedCollector(
  statuses: number[],
): Promise<{ url: string; bodies: unknown[]; server: Server }> {
  const bodies: unknown[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(statuses.shift() ?? 200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/traces`, bodies, server };
}

async function someSpans(): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const telemetry = createTelemetry({ serviceName: 'execution', exporter: memory });
  telemetry.tracer('execution').startSpan('step').end();
  await telemetry.forceFlush();
  return memory.getFinishedSpans();
}

const exportWith = (exporter: OtlpHttpJsonSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> =>
  new Promise((resolve) => exporter.export(spans, resolve));

describe('OtlpHttpJsonSpanExporter', () => {
  const servers: Server[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it('posts the spans as OTLP JSON', async () => {
    const collector = await scriptedCollector([]);
    servers.push(collector.server);
    const exporter = new OtlpHttpJsonSpanExporter({ url: collector.url });

    expect(await exportWith(exporter, await someSpans())).toEqual({ code: ExportResultCode.SUCCESS });
    await exporter.shutdown();
    expect(JSON.stringify(collector.bodies)).toContain('"name":"step"');
  });

  it('retries a busy collector, then succeeds', async () => {
    const collector = await scriptedCollector([503, 429]);
    servers.push(collector.server);
    const exporter = new OtlpHttpJsonSpanExporter({ url: collector.url, retries: 2 });

    expect((await exportWith(exporter, await someSpans())).code).toBe(ExportResultCode.SUCCESS);
    expect(collector.bodies).toHaveLength(3);
    await exporter.shutdown();
  });

  it('fails at once on a rejected request, and after its retries on a collector that stays down', async () => {
    const collector = await scriptedCollector([400]);
    servers.push(collector.server);
    const rejecting = new OtlpHttpJsonSpanExporter({ url: collector.url });
    const rejected = await exportWith(rejecting, await someSpans());
    expect(rejected.code).toBe(ExportResultCode.FAILED);
    expect(rejected.error?.message).toMatch(/HTTP 400/);
    expect(collector.bodies).toHaveLength(1);
    await rejecting.shutdown();

    const down = new OtlpHttpJsonSpanExporter({
      url: `http://127.0.0.1:${await freePort()}/v1/traces`,
      retries: 1,
    });
    const refused = await exportWith(down, await someSpans());
    expect(refused.code).toBe(ExportResultCode.FAILED);
    expect(refused.error?.message).toMatch(/ECONNREFUSED/);
    await down.shutdown();
  });

  it('refuses spans after shutdown', async () => {
    const exporter = new OtlpHttpJsonSpanExporter({ url: 'http://127.0.0.1:9/v1/traces' });
    await exporter.shutdown();
    expect((await exportWith(exporter, await someSpans())).code).toBe(ExportResultCode.FAILED);
  });
});
