import {
  context,
  isSpanContextValid,
  ROOT_CONTEXT,
  trace,
  type Context,
  type TextMapGetter,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context (`traceparent`, `tracestate`) over NATS headers, passed as plain records.
 * The propagator is used directly rather than through the global API, so headers are written and
 * read the same way whether or not `initTelemetry` ran in this process.
 */
const propagator = new W3CTraceContextPropagator();

/** Header names may have been re-cased on the way (HTTP gateways, hand-written clients). */
const headerGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    const exact = carrier[key];
    if (exact !== undefined) return exact;
    const lower = key.toLowerCase();
    for (const name of Object.keys(carrier)) {
      if (name.toLowerCase() === lower) return carrier[name];
    }
    return undefined;
  },
};

const headerSetter = {
  set(carrier: Record<string, string>, key: string, value: string): void {
    carrier[key] = value;
  },
};

/**
 * Writes `traceparent` (and `tracestate` when there is one) for `ctx`, the active context by
 * default, into `target` and returns it. Writes nothing when there is no span in `ctx`.
 */
export function injectTraceHeaders(
  target: Record<string, string>,
  ctx: Context = context.active(),
): Record<string, string> {
  propagator.inject(ctx, target, headerSetter);
  return target;
}

/**
 * The trace context carried by a message's headers, to pass as `parent` to `withSpan`. Built on
 * the root context, not the active one: a message continues the trace of whoever sent it, not
 * the consumer loop's. Without (valid) headers, spans started from it begin a new trace.
 */
export function extractTraceContext(headers: Record<string, string> | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}

/** The trace and span ids of the active span (or of `ctx`), for log lines; undefined outside a trace. */
export function currentSpanIds(
  ctx: Context = context.active(),
): { traceId: string; spanId: string } | undefined {
  const span = trace.getSpanContext(ctx);
  if (span === undefined || !isSpanContextValid(span)) return undefined;
  return { traceId: span.traceId, spanId: span.spanId };
}
