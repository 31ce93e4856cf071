import { ConfigInvalid, loadConfig, traceExport } from '@chainmail/config';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ConsoleSpanExporter } from '@opentelemetry/sdk-trace-node';
import { spanExporters } from './exporters';

/** The exporters the process would use with these variables set (and nothing else). */
function exportersFor(env: Record<string, string>): string[] {
  const exporters = spanExporters(traceExport(loadConfig(env)));
  const names = exporters.map((e) => {
    if (e instanceof OtlpProtobufExporter) return 'otlp http/protobuf';
    if (e instanceof OtlpJsonExporter) return 'otlp http/json';
    if (e instanceof OtlpGrpcExporter) return 'otlp grpc';
    if (e instanceof ConsoleSpanExporter) return 'console';
    return 'unknown';
  });
  void Promise.all(exporters.map((e) => e.shutdown()));
  return names;
}

const ENDPOINT = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };

describe('the span exporters chosen from the OTEL_* variables', () => {
  it.each<[string, Record<string, string>, string[]]>([
    ['nothing set: nothing exported (no collector assumed)', {}, []],
    ['an endpoint: OTLP over http/protobuf', ENDPOINT, ['otlp http/protobuf']],
    [
      'the traces endpoint alone',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318/v1/traces' },
      ['otlp http/protobuf'],
    ],
    ['http/json', { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }, ['otlp http/json']],
    ['grpc', { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, ['otlp grpc']],
    [
      'the traces protocol over the general one',
      { ...ENDPOINT, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' },
      ['otlp http/json'],
    ],
    [
      'otlp asked for without an endpoint (the SDK default, localhost:4318)',
      { OTEL_TRACES_EXPORTER: 'otlp' },
      ['otlp http/protobuf'],
    ],
    ['the console', { OTEL_TRACES_EXPORTER: 'console' }, ['console']],
    ['both', { ...ENDPOINT, OTEL_TRACES_EXPORTER: 'otlp, console' }, ['otlp http/protobuf', 'console']],
    ['none, whatever the endpoint', { ...ENDPOINT, OTEL_TRACES_EXPORTER: 'none' }, []],
    ['OTEL_SDK_DISABLED', { ...ENDPOINT, OTEL_SDK_DISABLED: 'true' }, []],
  ])('%s', (_case, env, expected) => {
    expect(exportersFor(env)).toEqual(expected);
  });

  it.each<[Record<string, string>, RegExp]>([
    [
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'http' },
      /OTEL_EXPORTER_OTLP_PROTOCOL="http": .*http\/protobuf, http\/json, grpc/,
    ],
    [{ OTEL_TRACES_EXPORTER: 'zipkin' }, /OTEL_TRACES_EXPORTER="zipkin": .*otlp, console, none/],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT="collector:4318": must be an http/,
    ],
    [
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4318' },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="http:\/\/jaeger:4318": is used as is: .*\/v1\/traces.*OTEL_EXPORTER_OTLP_ENDPOINT/,
    ],
  ])('refuses %j, naming the variable and what it takes', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigInvalid);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('takes a bare host for gRPC, whose endpoint has no path', () => {
    expect(
      exportersFor({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://jaeger:4317',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      }),
    ).toEqual(['otlp grpc']);
  });
});
