// Builds OtlpSpan values (the decoded model the receiver produces) for the renderers. Spans of
// one emitter share one resource and one scope object, as a decoder would give them.
import {
  SpanKind,
  StatusCode,
  type Attributes,
  type OtlpResource,
  type OtlpScope,
  type OtlpSpan,
  type OtlpSpanEvent,
} from '../../core/model/otlp.ts';

export { SpanKind, StatusCode };

export function resource(attributes: Attributes): OtlpResource {
  return { attributes, droppedAttributesCount: 0, schemaUrl: '' };
}

export function scope(name: string, version = ''): OtlpScope {
  return { name, version, attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

export const msToNs = (ms: number): bigint => BigInt(Math.round(ms * 1000)) * 1000n;

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Attributes;
  events?: { name: string; atMs: number; attributes: Attributes }[];
  status?: { code: number; message?: string };
  resource: OtlpResource;
  scope: OtlpScope;
}

export function makeSpan(s: SpanSpec): OtlpSpan {
  const events: OtlpSpanEvent[] = (s.events ?? []).map((e) => ({
    name: e.name,
    timeUnixNano: msToNs(e.atMs),
    attributes: e.attributes,
    droppedAttributesCount: 0,
  }));
  return {
    traceId: s.traceId,
    spanId: s.spanId,
    parentSpanId: s.parentSpanId ?? '',
    traceState: '',
    flags: 1,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: msToNs(s.startMs),
    endTimeUnixNano: msToNs(s.endMs),
    attributes: s.attributes,
    droppedAttributesCount: 0,
    events,
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: s.status?.code ?? StatusCode.UNSET, message: s.status?.message ?? '' },
    resource: s.resource,
    scope: s.scope,
  };
}

/** OTel GenAI ≥1.37 message JSON ("parts" shape), which LiteLLM v1-2026 and v2 both write. */
export function messagesJson(messages: { role: string; text: string | null; finishReason?: string }[]): string {
  return JSON.stringify(
    messages.map((m) => ({
      role: m.role,
      parts: m.text === null ? [] : [{ type: 'text', content: m.text }],
      ...(m.finishReason ? { finish_reason: m.finishReason } : {}),
    })),
  );
}
