import type { TraceExport } from '@chainmail/config';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-node';

/**
 * The official exporters for what the tracing variables ask for. Each reads the rest of its
 * settings from the standard variables itself: OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS,
 * _TIMEOUT, _COMPRESSION, _CERTIFICATE…
 */
export function spanExporters(settings: TraceExport): SpanExporter[] {
  return settings.exporters.map((name) =>
    name === 'console' ? new ConsoleSpanExporter() : otlpExporter(settings),
  );
}

function otlpExporter(settings: TraceExport): SpanExporter {
  switch (settings.protocol) {
    case 'grpc':
      return new OtlpGrpcExporter();
    case 'http/json':
      return new OtlpJsonExporter();
    case 'http/protobuf':
      return new OtlpProtobufExporter();
  }
}

/**
 * Batches for the network exporters (sizes and delay from OTEL_BSP_*), one by one for the
 * console, as the SDK does.
 */
export function spanProcessorFor(exporter: SpanExporter): SpanProcessor {
  return exporter instanceof ConsoleSpanExporter
    ? new SimpleSpanProcessor(exporter)
    : new BatchSpanProcessor(exporter);
}
