/**
 * Chainmail telemetry: tracing on OpenTelemetry's SDK (`NodeSDK`, the official OTLP exporters),
 * one trace per run, context carried in NATS headers.
 *
 * Once per process (the process shell does it):
 *   const telemetry = initTelemetry({ export: traceExport(config), processName: 'chainmail' });
 *   // … on exit: await telemetry.shutdown();   (flushes)
 * In a service: `const tracer = telemetry.tracer('execution');` — a tracer of the service's own
 * provider, so its spans say `service.name=chainmail-execution`, alone or in the all-in-one process.
 *
 * Sending a message:   publish(subject, data, injectTraceHeaders({ 'Nats-Msg-Id': id }))
 * Handling a message:  withSpan(tracer, 'project commit', {
 *                        parent: extractTraceContext(message.headers),
 *                        attributes: runAttributes({ runId, workflow }),
 *                      }, async (span) => { … });
 * Inside `withSpan` the span is active: nested `withSpan` calls and `injectTraceHeaders()` use it
 * without being passed anything. Log lines: `currentSpanIds()`.
 *
 * One trace per run (run-trace.ts): a trigger's span (mail, webhook, cron tick, API request) is
 * the root; the run's span `run <workflow>` is its child, with an id derived from the run id, so
 * a step's span is made its child (`parent: runContext(run)`) by whichever process runs the step;
 * an agent call is a child of its step. The process that appends the run's end records the run
 * span (`telemetry.recordRun`), from the start time and trigger context kept in `RunStarted`.
 *
 * What is exported comes from the standard OTEL_* variables (`traceExport` in libs/config):
 * nothing unless asked, else OTLP over http/protobuf (or http/json, gRPC) or the console. When
 * nothing is exported spans are not recorded (ids still propagate). In tests:
 * `exporter: new InMemorySpanExporter()`, or a process pointed at the OTLP receiver of
 * `testing/otlp-receiver.ts`, which decodes protobuf and JSON.
 */
export {
  initTelemetry,
  createTelemetry,
  serviceName,
  type ChainmailService,
  type EndedRun,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry';
export { spanExporters } from './exporters';
export { withSpan, recordError, recordFailure, type WithSpanOptions } from './with-span';
export { injectTraceHeaders, extractTraceContext, currentSpanIds } from './propagation';
export { runContext, runSpanId, type TracedRun } from './run-trace';
export {
  CHAINMAIL_AGENT,
  CHAINMAIL_RUN_ID,
  CHAINMAIL_RUN_STATUS,
  CHAINMAIL_STEP_ID,
  CHAINMAIL_TRIGGER,
  CHAINMAIL_WORKFLOW,
  CHAINMAIL_WORKFLOW_VERSION,
  runAttributes,
  setRunIdentity,
  type RunIdentity,
} from './attributes';
export { ChainmailMetrics, stepLabel, type CommitFacts, type ConsumerLag, type StepFacts } from './metrics';
export { startMetricsServer, type MetricsServer } from './metrics-server';
// Re-exported so services need not depend on the OpenTelemetry packages themselves.
export {
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
  type Tracer,
  type Attributes,
} from '@opentelemetry/api';
export type { SpanExporter } from '@opentelemetry/sdk-trace-node';
