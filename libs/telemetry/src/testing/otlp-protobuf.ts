import { parse, type Type } from 'protobufjs';

/**
 * Reads the OTLP/HTTP protobuf trace export (what `@opentelemetry/exporter-trace-otlp-proto`
 * sends) into the shape of the OTLP/JSON mapping (ids as hex, 64-bit integers as strings), which
 * `decodeTraceExport` reads. The messages are those of opentelemetry-proto's
 * `collector/trace/v1` and `trace/v1`, with the fields a test looks at (unknown ones are skipped).
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;

message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; }
message Resource { repeated KeyValue attributes = 1; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  string name = 5;
  int32 kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  repeated Event events = 11;
  repeated Link links = 13;
  Status status = 15;
}
message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; }
message Link { bytes trace_id = 1; bytes span_id = 2; repeated KeyValue attributes = 4; }
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;

let request: Type | undefined;

/** The request as OTLP/JSON would have it; throws on bytes that are not such a message. */
export function protobufToOtlpJson(body: Uint8Array): unknown {
  request ??= parse(OTLP_TRACE_PROTO).root.lookupType('otlp.ExportTraceServiceRequest');
  const json = request.toObject(request.decode(body), { longs: String, bytes: String, enums: Number });
  for (const resourceSpans of list(json.resourceSpans)) {
    for (const scopeSpans of list(field(resourceSpans, 'scopeSpans'))) {
      for (const span of list(field(scopeSpans, 'spans'))) hexIds(span as Record<string, unknown>);
    }
  }
  return json;
}

/** OTLP/JSON writes ids as hex, where protobuf has bytes (base64 once turned into an object). */
function hexIds(span: Record<string, unknown>): void {
  for (const key of ['traceId', 'spanId', 'parentSpanId']) {
    if (typeof span[key] === 'string') span[key] = Buffer.from(span[key], 'base64').toString('hex');
  }
  for (const link of list(span.links)) hexIds(link as Record<string, unknown>);
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
