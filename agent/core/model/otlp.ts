// The decoded form of OTLP trace and log requests: what the protobuf and JSON decoders produce
// and what normalize reads. Field names follow the proto (camelCase); ids are lowercase hex.

/** An OTLP AnyValue. int64 values outside ±2^53 stay exact as bigint; bytes stay bytes. */
export type AttributeValue = string | number | bigint | boolean | Uint8Array | null | AttributeValue[] | { [key: string]: AttributeValue };

/** KeyValue lists become plain objects; a repeated key keeps its last value. */
export type Attributes = Record<string, AttributeValue>;

export interface OtlpResource {
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface OtlpScope {
  name: string;
  version: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  schemaUrl: string;
}

export interface OtlpSpanEvent {
  timeUnixNano: bigint;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export interface OtlpSpanLink {
  traceId: string;
  spanId: string;
  traceState: string;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
}

/** OTLP span kinds as on the wire (SPAN_KIND_CLIENT is 3, unlike the JS API enum). */
export const SpanKind = {
  UNSPECIFIED: 0,
  INTERNAL: 1,
  SERVER: 2,
  CLIENT: 3,
  PRODUCER: 4,
  CONSUMER: 5,
} as const;

export const StatusCode = { UNSET: 0, OK: 1, ERROR: 2 } as const;

export interface OtlpSpan {
  /** 32 lowercase hex chars; '' when absent (such a span is rejected by the receiver). */
  traceId: string;
  /** 16 lowercase hex chars; '' when absent. */
  spanId: string;
  /** '' for a root span. */
  parentSpanId: string;
  traceState: string;
  flags: number;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Attributes;
  droppedAttributesCount: number;
  events: OtlpSpanEvent[];
  droppedEventsCount: number;
  links: OtlpSpanLink[];
  droppedLinksCount: number;
  status: { code: number; message: string };
  /** Shared by every span of one ResourceSpans / ScopeSpans: never mutate. */
  resource: OtlpResource;
  scope: OtlpScope;
}

export interface OtlpLogRecord {
  timeUnixNano: bigint;
  observedTimeUnixNano: bigint;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  droppedAttributesCount: number;
  flags: number;
  /** '' when the record is not correlated with a span. */
  traceId: string;
  spanId: string;
  /** LogRecord.event_name (field 12); older SDKs send the `event.name` attribute instead. */
  eventName: string;
  resource: OtlpResource;
  scope: OtlpScope;
}

/** What a decoder returns for one export request. */
export interface DecodedTraces {
  spans: OtlpSpan[];
}

export interface DecodedLogs {
  logs: OtlpLogRecord[];
}
