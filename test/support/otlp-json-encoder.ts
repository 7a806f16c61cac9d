// Encodes decoded spans (OtlpSpan, as span-builder makes them) back into an OTLP/JSON
// ExportTraceServiceRequest, grouping spans by resource and scope as an SDK would. Lets fixture
// files be generated from the span scenarios in test/fixtures/spans/ instead of written by hand.
import type { AttributeValue, Attributes, OtlpSpan } from '../../agent/model/otlp.ts';

type JsonAnyValue = Record<string, unknown>;

export function encodeTracesJson(spans: readonly OtlpSpan[]): { resourceSpans: unknown[] } {
  const byResource = new Map<object, Map<object, OtlpSpan[]>>();
  for (const s of spans) {
    let scopes = byResource.get(s.resource);
    if (!scopes) byResource.set(s.resource, (scopes = new Map()));
    const scopeKey = [...scopes.keys()].find((k) => sameScope(k as OtlpSpan['scope'], s.scope)) ?? s.scope;
    const list = scopes.get(scopeKey);
    if (list) list.push(s);
    else scopes.set(scopeKey, [s]);
  }
  return {
    resourceSpans: [...byResource].map(([resource, scopes]) => ({
      resource: { attributes: encodeAttributes((resource as OtlpSpan['resource']).attributes) },
      scopeSpans: [...scopes].map(([scope, list]) => ({
        scope: { name: (scope as OtlpSpan['scope']).name, version: (scope as OtlpSpan['scope']).version },
        spans: list.map(encodeSpan),
      })),
    })),
  };
}

function sameScope(a: OtlpSpan['scope'], b: OtlpSpan['scope']): boolean {
  return a.name === b.name && a.version === b.version;
}

function encodeSpan(s: OtlpSpan): Record<string, unknown> {
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: s.startTimeUnixNano.toString(),
    endTimeUnixNano: s.endTimeUnixNano.toString(),
    attributes: encodeAttributes(s.attributes),
    events: s.events.map((e) => ({ timeUnixNano: e.timeUnixNano.toString(), name: e.name, attributes: encodeAttributes(e.attributes) })),
    status: { code: s.status.code, ...(s.status.message ? { message: s.status.message } : {}) },
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
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (v instanceof Uint8Array) return { bytesValue: Buffer.from(v).toString('base64') };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(encodeAnyValue) } };
  return { kvlistValue: { values: Object.entries(v).map(([key, value]) => ({ key, value: encodeAnyValue(value) })) } };
}
