/**
 * Chainmail telemetry: OpenTelemetry tracing, one trace per run, context carried in NATS headers.
 *
 * In `main.ts`, once per process:
 *   const telemetry = initTelemetry({ serviceName: 'chainmail', otlpEndpoint: config.otlpEndpoint });
 *   // … on exit: await telemetry.shutdown();   (flushes)
 * In a service: `const tracer = telemetry.tracer('execution');` (later `initTelemetry` calls
 * return the same instance, so a module may call it again to get it).
 *
 * Service identity: the resource's `service.name` is the `serviceName` given to `initTelemetry`
 * (`chainmail` in the all-in-one process, `execution` etc. when each service runs alone); every
 * span also carries `chainmail.service` = the tracer's name, so `chainmail.service` tells the
 * services apart in both deployments (and Jaeger shows it as a tag and as the scope name).
 *
 * Sending a message:   publish(subject, data, injectTraceHeaders({ 'Nats-Msg-Id': id }))
 * Handling a message:  withSpan(tracer, 'execute step', {
 *                        parent: extractTraceContext(message.headers),
 *                        attributes: runAttributes({ runId, workflow, stepId }),
 *                      }, async (span) => { … });
 * Inside `withSpan` the span is active: nested `withSpan` calls and `injectTraceHeaders()` use it
 * without being passed anything. Log lines: `currentTraceparent()`.
 *
 * One trace per run: the span that starts the run (ingress) is the root; every message of the run
 * carries `traceparent`, so each consumer's span joins that trace. Where no message carries it
 * (a timer firing, a restart), keep the run's traceparent with the run and pass
 * `extractTraceContext({ traceparent })` as `parent`.
 *
 * With `otlpEndpoint`, every span is recorded and sent in batches as OTLP/HTTP JSON (failed
 * batches go to `onExportError`). Without it nothing is exported and spans are not recorded (ids
 * still propagate). In tests: `exporter: new InMemorySpanExporter()`, or `startOtlpReceiver()`,
 * a local OTLP/HTTP endpoint collecting the spans sent to it (`otlpEndpoint: receiver.url`).
 */
export {
  initTelemetry,
  createTelemetry,
  tracesUrl,
  type Telemetry,
  type TelemetryOptions,
} from './telemetry';
export { withSpan, recordError, type WithSpanOptions } from './with-span';
export { injectTraceHeaders, extractTraceContext, currentTraceparent } from './propagation';
export {
  CHAINMAIL_SERVICE,
  CHAINMAIL_RUN_ID,
  CHAINMAIL_WORKFLOW,
  CHAINMAIL_STEP_ID,
  CHAINMAIL_AGENT,
  runAttributes,
  setRunIdentity,
  type RunIdentity,
} from './attributes';
export { ChainmailMetrics, stepLabel, type CommitFacts, type ConsumerLag, type StepFacts } from './metrics';
export { startMetricsServer, type MetricsServer } from './metrics-server';
// Test support; cheap to load (node:http only, nothing starts until called).
export {
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
  type ReceivedEvent,
  type ReceivedValue,
} from './testing/otlp-receiver';
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
