// Encodes decoded spans and log records (the OtlpSpan / OtlpLogRecord model) back into OTLP/JSON
// export requests, grouping items by resource and scope as an SDK would. Used by the file
// exporter (recording raw telemetry for replay), `faultline simulate`, and test fixtures.
// Follows the OTLP/JSON mapping: hex ids, 64-bit integers as decimal strings, enums as integers.
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from '../../core/model/otlp.ts';

type JsonAnyValue = Record<string, unknown>;

export function encodeTracesJson(spans: readonly OtlpSpan[]): { resourceSpans: unknown[] } {
  return {
    resourceSpans: groupByResourceAndScope(spans).map(({ resource, scopes }) => ({
      resource: encodeResource(resource),
      scopeSpans: scopes.map(({ scope, items }) => ({ scope: encodeScope(scope), spans: items.map(encodeSpan) })),
      ...(resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {}),
    })),
  };
}

export function encodeLogsJson(logs: readonly OtlpLogRecord[]): { resourceLogs: unknown[] } {
  return {
    resourceLogs: groupByResourceAndScope(logs).map(({ resource, scopes }) => ({
      resource: encodeResource(resource),
      scopeLogs: scopes.map(({ scope, items }) => ({ scope: encodeScope(scope), logRecords: items.map(encodeLogRecord) })),
      ...(resource.schemaUrl ? { schemaUrl: resource.schemaUrl } : {}),
    })),
  };
}

export interface ResourceGroup<T> {
  resource: OtlpResource;
  scopes: { scope: OtlpScope; items: T[] }[];
}

/** Items of one resource object together, then of one scope (name + version) within it. */
export function groupByResourceAndScope<T extends { resource: OtlpResource; scope: OtlpScope }>(items: readonly T[]): ResourceGroup<T>[] {
  const byResource = new Map<OtlpResource, Map<string, { scope: OtlpScope; items: T[] }>>();
  for (const item of items) {
    let scopes = byResource.get(item.resource);
    if (!scopes) byResource.set(item.resource, (scopes = new Map()));
    const key = `${item.scope.name}\u0000${item.scope.version}`;
    const group = scopes.get(key);
    if (group) group.items.push(item);
    else scopes.set(key, { scope: item.scope, items: [item] });
  }
  return [...byResource].map(([resource, scopes]) => ({ resource, scopes: [...scopes.values()] }));
}

function encodeResource(r: OtlpResource): Record<string, unknown> {
  return {
    attributes: encodeAttributes(r.attributes),
    ...(r.droppedAttributesCount ? { droppedAttributesCount: r.droppedAttributesCount } : {}),
  };
}

function encodeScope(s: OtlpScope): Record<string, unknown> {
  return { name: s.name, version: s.version, ...(Object.keys(s.attributes).length ? { attributes: encodeAttributes(s.attributes) } : {}) };
}

function encodeSpan(s: OtlpSpan): Record<string, unknown> {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.traceState ? { traceState: s.traceState } : {}),
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    ...(s.flags ? { flags: s.flags } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    attributes: encodeAttributes(s.attributes),
    ...(s.droppedAttributesCount ? { droppedAttributesCount: s.droppedAttributesCount } : {}),
    events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: encodeAttributes(e.attributes) })),
    ...(s.links.length
      ? {
          links: s.links.map((l) => ({
            traceId: l.traceId,
            spanId: l.spanId,
            ...(l.traceState ? { traceState: l.traceState } : {}),
            attributes: encodeAttributes(l.attributes),
          })),
        }
      : {}),
    status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
  };
}

function encodeLogRecord(l: OtlpLogRecord): Record<string, unknown> {
  return {
    timeUnixNano: l.timeUnixNano.toString(),
    observedTimeUnixNano: l.observedTimeUnixNano.toString(),
    ...(l.severityNumber ? { severityNumber: l.severityNumber } : {}),
    ...(l.severityText ? { severityText: l.severityText } : {}),
    ...(l.body !== null ? { body: encodeAnyValue(l.body) } : {}),
    attributes: encodeAttributes(l.attributes),
    ...(l.flags ? { flags: l.flags } : {}),
    ...(l.traceId ? { traceId: l.traceId } : {}),
    ...(l.spanId ? { spanId: l.spanId } : {}),
    ...(l.eventName ? { eventName: l.eventName } : {}),
  };
}

export function encodeAttributes(attributes: Attributes): { key: string; value: JsonAnyValue }[] {
  return Object.entries(attributes).map(([key, value]) => ({ key, value: encodeAnyValue(value) }));
}

function encodeAnyValue(v: AttributeValue): JsonAnyValue {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'bigint') return { intValue: v.toString() };
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return { intValue: String(v) };
    // JSON has no NaN or Infinity (JSON.stringify would write null); proto3 JSON spells them as strings.
    return { doubleValue: Number.isFinite(v) ? v : String(v) };
  }
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(encodeAnyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: encodeAnyValue(value) })) } };
}
