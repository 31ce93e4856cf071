import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  NodeTracerProvider,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { OtlpHttpJsonSpanExporter } from './otlp-http-exporter';
import { ServiceAttributeSpanProcessor } from './service-attribute';

export interface TelemetryOptions {
  /** The resource's `service.name`: `chainmail` for the all-in-one process, else the service's name. */
  readonly serviceName: string;
  /** OTLP/HTTP traces URL, e.g. `http://jaeger:4318/v1/traces` (a bare `http://jaeger:4318` gets `/v1/traces`). */
  readonly otlpEndpoint?: string;
  /** Where spans go instead of OTLP (tests: an `InMemorySpanExporter`). Wins over `otlpEndpoint`. */
  readonly exporter?: SpanExporter;
  /** How long spans wait in the batch before being sent; default 5 s. Tests lower it. */
  readonly flushIntervalMs?: number;
  /** Told when a batch could not be sent (collector down); spans of that batch are dropped. */
  readonly onExportError?: (error: Error) => void;
}

export interface Telemetry {
  readonly serviceName: string;
  /** False when there is neither an endpoint nor an exporter: spans are then not even recorded. */
  readonly exporting: boolean;
  /** The tracer of one Chainmail service (`execution`, `ingress`, …); its spans carry `chainmail.service`. */
  tracer(service: string): Tracer;
  /** Sends the spans ended so far. Never rejects: a failed export goes to `onExportError`. */
  forceFlush(): Promise<void>;
  /**
   * Sends the spans ended so far and stops (never rejects, so an exit is not held up by a missing
   * collector); for the process-wide instance, `initTelemetry` may then run again.
   */
  shutdown(): Promise<void>;
}

let processTelemetry: Telemetry | undefined;

/**
 * The process-wide telemetry: the first call builds it and registers it with the OpenTelemetry
 * API (tracer provider, AsyncLocalStorage context manager, W3C trace-context propagator); later
 * calls return that same instance, whatever their options (the first caller, `main.ts`, decides).
 */
export function initTelemetry(options: TelemetryOptions): Telemetry {
  if (processTelemetry) return processTelemetry;
  const provider = buildProvider(options);
  provider.register({ propagator: new W3CTraceContextPropagator() });
  const telemetry = wrap(provider, options, async () => {
    trace.disable();
    context.disable();
    propagation.disable();
    processTelemetry = undefined;
  });
  processTelemetry = telemetry;
  return telemetry;
}

/**
 * Telemetry that registers nothing globally: its tracers are its own. For tests that play
 * several services in one process, each with its own `service.name` and exporter; the context
 * manager (which makes spans active) still comes from `initTelemetry`.
 */
export function createTelemetry(options: TelemetryOptions): Telemetry {
  return wrap(buildProvider(options), options, async () => undefined);
}

function buildProvider(options: TelemetryOptions): NodeTracerProvider {
  const exporter = chooseExporter(options);
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName });
  if (!exporter) {
    // Spans still get ids, so context propagates and logs carry a traceparent, but nothing is
    // recorded: near-zero cost when tracing is off.
    return new NodeTracerProvider({ resource, sampler: new AlwaysOffSampler() });
  }
  const exported = options.onExportError ? new ReportingExporter(exporter, options.onExportError) : exporter;
  return new NodeTracerProvider({
    resource,
    // Every run is traced, whatever the upstream sampling flag says.
    sampler: new AlwaysOnSampler(),
    spanProcessors: [
      new ServiceAttributeSpanProcessor(),
      new BatchSpanProcessor(exported, { scheduledDelayMillis: options.flushIntervalMs }),
    ],
  });
}

function chooseExporter(options: TelemetryOptions): SpanExporter | undefined {
  if (options.exporter) return options.exporter;
  if (!options.otlpEndpoint) return undefined;
  return new OtlpHttpJsonSpanExporter({ url: tracesUrl(options.otlpEndpoint) });
}

/** Accepts the collector's base URL as well as the full traces URL. */
export function tracesUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/traces';
  return url.toString();
}

function wrap(
  provider: NodeTracerProvider,
  options: TelemetryOptions,
  afterShutdown: () => Promise<void>,
): Telemetry {
  const exporting = options.exporter !== undefined || Boolean(options.otlpEndpoint);
  const tracers = new Map<string, Tracer>();
  let stopped: Promise<void> | undefined;
  return {
    serviceName: options.serviceName,
    exporting,
    tracer(service) {
      let tracer = tracers.get(service);
      if (!tracer) {
        tracer = provider.getTracer(service);
        tracers.set(service, tracer);
      }
      return tracer;
    },
    // The export error, if any, already reached `onExportError` through `ReportingExporter`.
    forceFlush: () => provider.forceFlush().catch(() => undefined),
    shutdown() {
      stopped ??= provider
        .shutdown()
        .catch(() => undefined)
        .then(afterShutdown);
      return stopped;
    },
  };
}

/** Passes spans through and reports failed exports, which the SDK otherwise drops silently. */
class ReportingExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly onError: (error: Error) => void,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code !== ExportResultCode.SUCCESS) {
        this.onError(result.error ?? new Error(`exporting ${spans.length} spans failed`));
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
