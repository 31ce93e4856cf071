import {
  context,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanKind,
  type Tracer,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

export interface WithSpanOptions {
  readonly attributes?: Attributes;
  /** The span's parent: e.g. `extractTraceContext(message.headers)`. Default: the active context. */
  readonly parent?: Context;
  readonly kind?: SpanKind;
}

/**
 * Runs `fn` inside a new span: child of `parent` (or of the active span), active while `fn` runs
 * so spans and headers made inside it descend from it. `fn` is also handed the span's context:
 * what it passes on explicitly (`injectTraceHeaders({}, ctx)`, a nested span's `parent`) carries
 * the trace even where no context manager tracks the active span (tracing off, see
 * `initTelemetry`). A throw is recorded on the span (event, error status, `error.type` = the
 * error's code or name) and rethrown; the span always ends.
 */
export async function withSpan<T>(
  tracer: Tracer,
  name: string,
  options: WithSpanOptions,
  fn: (span: Span, ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(name, { attributes: options.attributes, kind: options.kind }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, fn, undefined, span, ctx);
  } catch (err) {
    recordError(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** Marks a span failed with `err`; for spans managed by hand rather than through `withSpan`. */
export function recordError(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  recordFailure(span, { code: errorType(error), message: error.message });
}

/**
 * Marks a span failed by an error that was not thrown (a step's or run's outcome): error status
 * with the message, `error.type` = the Chainmail error code (`AGENT_TIMEOUT`, `STEP_FAILED`, …).
 */
export function recordFailure(span: Span, error: { readonly code: string; readonly message: string }): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.setAttribute(ATTR_ERROR_TYPE, error.code);
}

/** Chainmail errors carry a code (`AGENT_TIMEOUT`, …), more useful to search on than a class name. */
function errorType(error: Error): string {
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : error.name;
}
