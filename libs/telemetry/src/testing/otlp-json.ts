/**
 * Reads an OTLP trace export (`ExportTraceServiceRequest`) in the OTLP/JSON mapping, as
 * `@opentelemetry/exporter-trace-otlp-http` sends it (and as `protobufToOtlpJson` turns a
 * protobuf one): ids as hex, enums as numbers, attributes as `{ key, value: { stringValue | … } }`.
 * The body is parsed input: every field is checked here, nothing downstream trusts its shape.
 */

export type ReceivedValue =
  string | number | boolean | null | ReceivedValue[] | { [key: string]: ReceivedValue };

export interface ReceivedEvent {
  readonly name: string;
  readonly attributes: Record<string, ReceivedValue>;
}

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Undefined for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  /** The resource's `service.name`. */
  readonly serviceName: string;
  /** All the resource's attributes (`service.namespace`, `service.instance.id`, …). */
  readonly resource: Record<string, ReceivedValue>;
  /** The tracer's name (instrumentation scope). */
  readonly scopeName: string;
  readonly attributes: Record<string, ReceivedValue>;
  /** Start and end, in milliseconds since the epoch. */
  readonly startMs: number;
  readonly endMs: number;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly status: { readonly code: number; readonly message?: string };
  readonly events: readonly ReceivedEvent[];
}

type Json = Record<string, unknown>;

export function decodeTraceExport(body: unknown): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of list(object(body, 'request').resourceSpans)) {
    const rs = object(resourceSpans, 'resourceSpans');
    const resource = rs.resource === undefined ? {} : attributes(object(rs.resource, 'resource').attributes);
    const serviceName = typeof resource['service.name'] === 'string' ? resource['service.name'] : '';
    for (const scopeSpans of list(rs.scopeSpans)) {
      const ss = object(scopeSpans, 'scopeSpans');
      const scopeName = ss.scope === undefined ? '' : optionalString(object(ss.scope, 'scope').name);
      for (const span of list(ss.spans))
        spans.push(decodeSpan(object(span, 'span'), { serviceName, resource, scopeName }));
    }
  }
  return spans;
}

function decodeSpan(
  span: Json,
  source: Pick<ReceivedSpan, 'serviceName' | 'resource' | 'scopeName'>,
): ReceivedSpan {
  const status = span.status === undefined ? {} : object(span.status, 'status');
  const parentSpanId = optionalString(span.parentSpanId);
  return {
    traceId: requiredString(span.traceId, 'traceId'),
    spanId: requiredString(span.spanId, 'spanId'),
    parentSpanId: parentSpanId === '' ? undefined : parentSpanId,
    name: requiredString(span.name, 'name'),
    kind: optionalNumber(span.kind),
    startMs: nanosToMs(span.startTimeUnixNano),
    endMs: nanosToMs(span.endTimeUnixNano),
    ...source,
    attributes: attributes(span.attributes),
    status: { code: optionalNumber(status.code), message: optionalString(status.message) || undefined },
    events: list(span.events).map((e) => {
      const event = object(e, 'event');
      return { name: optionalString(event.name), attributes: attributes(event.attributes) };
    }),
  };
}

function attributes(value: unknown): Record<string, ReceivedValue> {
  const result: Record<string, ReceivedValue> = {};
  for (const kv of list(value)) {
    const pair = object(kv, 'attribute');
    result[requiredString(pair.key, 'attribute key')] = anyValue(pair.value);
  }
  return result;
}

function anyValue(value: unknown): ReceivedValue {
  if (value === undefined || value === null) return null;
  const v = object(value, 'attribute value');
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  // int64 may come as a JSON string, per the OTLP JSON mapping.
  if (typeof v.intValue === 'number' || typeof v.intValue === 'string') return Number(v.intValue);
  if (typeof v.doubleValue === 'number') return v.doubleValue;
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  if (v.arrayValue !== undefined) return list(object(v.arrayValue, 'arrayValue').values).map(anyValue);
  if (v.kvlistValue !== undefined) return attributes(object(v.kvlistValue, 'kvlistValue').values);
  return null;
}

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`OTLP ${what}: expected an object`);
  }
  return value as Json;
}

function list(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new TypeError('OTLP: expected an array');
  return value;
}

function requiredString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`OTLP ${what}: expected a string`);
  return value;
}

function optionalString(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function optionalNumber(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

/** A 64-bit nanosecond time, as a JSON string (or number), to whole milliseconds. */
function nanosToMs(value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') return 0;
  return Number(BigInt(value) / 1_000_000n);
}
