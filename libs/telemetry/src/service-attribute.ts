import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { CHAINMAIL_SERVICE } from './attributes';

/**
 * Tags every span with `chainmail.service` = the name of the tracer that started it
 * (`telemetry.tracer('execution')` → `execution`). When all services share one process the
 * resource's `service.name` is `chainmail` for all of them; this attribute still says which
 * service made the span, in one process or many.
 */
export class ServiceAttributeSpanProcessor implements SpanProcessor {
  onStart(span: Span, _parentContext: Context): void {
    if (span.attributes[CHAINMAIL_SERVICE] === undefined) {
      span.setAttribute(CHAINMAIL_SERVICE, span.instrumentationScope.name);
    }
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
