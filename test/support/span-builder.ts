// Builds full OTLP spans and log records (the decoded form normalize reads) from the few fields a
// test cares about. Fixture modules in test/fixtures/spans/ export SpanInput values, so receiver
// and CLI tests can build the same spans.
import type {
  Attributes,
  AttributeValue,
  OtlpLogRecord,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
} from '../../agent/core/model/otlp.ts';
import { SpanKind, StatusCode } from '../../agent/core/model/otlp.ts';

export interface EventInput {
  name: string;
  attributes?: Attributes;
  /** Nanoseconds since the epoch; defaults to the span's start. */
  timeUnixNano?: bigint;
}

export interface SpanInput {
  name?: string;
  kind?: number;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  /** Span start in ms since the epoch (a whole number keeps ns arithmetic exact). */
  startMs?: number;
  durationMs?: number;
  attributes?: Attributes;
  events?: EventInput[];
  status?: { code: number; message?: string };
  resource?: Attributes;
  scope?: string;
}

export const DEFAULT_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const DEFAULT_SPAN_ID = '00f067aa0ba902b7';
export const DEFAULT_START_MS = 1_767_225_600_000; // 2026-01-01T00:00:00Z

const resources = new Map<string, OtlpResource>();

/** Spans with equal resource attributes share one resource object, as a decoder would. */
export function resourceOf(attributes: Attributes): OtlpResource {
  const key = JSON.stringify(attributes, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  let r = resources.get(key);
  if (!r) resources.set(key, (r = { attributes, droppedAttributesCount: 0, schemaUrl: '' }));
  return r;
}

function scopeOf(name: string): OtlpScope {
  return { name, version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;

export function span(input: SpanInput = {}): OtlpSpan {
  const startMs = input.startMs ?? DEFAULT_START_MS;
  const start = msToNs(startMs);
  const end = msToNs(startMs + (input.durationMs ?? 1_200));
  const events: OtlpSpanEvent[] = (input.events ?? []).map((e) => ({
    name: e.name,
    attributes: e.attributes ?? {},
    timeUnixNano: e.timeUnixNano ?? end,
    droppedAttributesCount: 0,
  }));
  return {
    traceId: input.traceId ?? DEFAULT_TRACE_ID,
    spanId: input.spanId ?? DEFAULT_SPAN_ID,
    parentSpanId: input.parentSpanId ?? '',
    traceState: '',
    flags: 1,
    name: input.name ?? 'span',
    kind: input.kind ?? SpanKind.INTERNAL,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    attributes: input.attributes ?? {},
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: input.status?.code ?? StatusCode.UNSET, message: input.status?.message ?? '' },
    resource: resourceOf(input.resource ?? { 'service.name': 'test-service' }),
    scope: scopeOf(input.scope ?? 'test'),
  };
}

export interface LogInput {
  eventName?: string;
  body?: AttributeValue;
  attributes?: Attributes;
  traceId?: string;
  spanId?: string;
  timeMs?: number;
  resource?: Attributes;
  scope?: string;
}

export function logRecord(input: LogInput = {}): OtlpLogRecord {
  const time = msToNs(input.timeMs ?? DEFAULT_START_MS);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: 9,
    severityText: 'INFO',
    body: input.body ?? null,
    attributes: input.attributes ?? {},
    droppedAttributesCount: 0,
    flags: 1,
    traceId: input.traceId ?? DEFAULT_TRACE_ID,
    spanId: input.spanId ?? DEFAULT_SPAN_ID,
    eventName: input.eventName ?? '',
    resource: resourceOf(input.resource ?? { 'service.name': 'test-service' }),
    scope: scopeOf(input.scope ?? 'test'),
  };
}

export { SpanKind, StatusCode };
