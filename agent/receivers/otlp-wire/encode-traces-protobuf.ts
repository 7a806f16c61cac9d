// OtlpSpan[] → ExportTraceServiceRequest (application/x-protobuf), the body LiteLLM's default
// exporter posts. Field numbers: opentelemetry/proto/trace/v1/trace.proto and common.proto, as
// decode-traces-protobuf.ts reads them. Used by `faultline simulate` (files and --target).
import type { AttributeValue, Attributes, OtlpResource, OtlpScope, OtlpSpan } from '../../core/model/otlp.ts';
import { groupByResourceAndScope } from './encode-json.ts';
import { ProtobufWriter } from './protobuf-writer.ts';

export function encodeTracesProtobuf(spans: readonly OtlpSpan[]): Uint8Array {
  const w = new ProtobufWriter();
  for (const { resource, scopes } of groupByResourceAndScope(spans)) {
    w.message(1, (rs) => {
      rs.message(1, (r) => writeResource(r, resource));
      for (const { scope, items } of scopes) {
        rs.message(2, (ss) => {
          ss.message(1, (s) => writeScope(s, scope));
          for (const span of items) ss.message(2, (s) => writeSpan(s, span));
          if (scope.schemaUrl) ss.string(3, scope.schemaUrl);
        });
      }
      if (resource.schemaUrl) rs.string(3, resource.schemaUrl);
    });
  }
  return w.finish();
}

function writeResource(w: ProtobufWriter, r: OtlpResource): void {
  writeAttributes(w, 1, r.attributes);
  if (r.droppedAttributesCount) w.varint(2, r.droppedAttributesCount);
}

function writeScope(w: ProtobufWriter, s: OtlpScope): void {
  if (s.name) w.string(1, s.name);
  if (s.version) w.string(2, s.version);
  writeAttributes(w, 3, s.attributes);
  if (s.droppedAttributesCount) w.varint(4, s.droppedAttributesCount);
}

function writeSpan(w: ProtobufWriter, s: OtlpSpan): void {
  w.bytes(1, hexBytes(s.traceId));
  w.bytes(2, hexBytes(s.spanId));
  if (s.traceState) w.string(3, s.traceState);
  if (s.parentSpanId) w.bytes(4, hexBytes(s.parentSpanId));
  w.string(5, s.name);
  if (s.kind) w.varint(6, s.kind);
  w.fixed64(7, s.startTimeUnixNano);
  w.fixed64(8, s.endTimeUnixNano);
  writeAttributes(w, 9, s.attributes);
  if (s.droppedAttributesCount) w.varint(10, s.droppedAttributesCount);
  for (const e of s.events) {
    w.message(11, (m) => {
      m.fixed64(1, e.timeUnixNano);
      m.string(2, e.name);
      writeAttributes(m, 3, e.attributes);
      if (e.droppedAttributesCount) m.varint(4, e.droppedAttributesCount);
    });
  }
  if (s.droppedEventsCount) w.varint(12, s.droppedEventsCount);
  for (const l of s.links) {
    w.message(13, (m) => {
      m.bytes(1, hexBytes(l.traceId));
      m.bytes(2, hexBytes(l.spanId));
      if (l.traceState) m.string(3, l.traceState);
      writeAttributes(m, 4, l.attributes);
      if (l.droppedAttributesCount) m.varint(5, l.droppedAttributesCount);
      if (l.flags) m.fixed32(6, l.flags);
    });
  }
  if (s.droppedLinksCount) w.varint(14, s.droppedLinksCount);
  if (s.status.code || s.status.message) {
    w.message(15, (m) => {
      if (s.status.message) m.string(2, s.status.message);
      if (s.status.code) m.varint(3, s.status.code);
    });
  }
  if (s.flags) w.fixed32(16, s.flags);
}

function writeAttributes(w: ProtobufWriter, field: number, attributes: Attributes): void {
  for (const key in attributes) {
    w.message(field, (kv) => {
      kv.string(1, key);
      kv.message(2, (v) => writeAnyValue(v, attributes[key]));
    });
  }
}

function writeAnyValue(w: ProtobufWriter, v: AttributeValue): void {
  if (v === null) return;
  if (typeof v === 'string') w.string(1, v);
  else if (typeof v === 'boolean') w.varint(2, v);
  else if (typeof v === 'bigint') w.varint(3, v);
  else if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) w.varint(3, v);
    else w.double(4, v);
  } else if (v instanceof Uint8Array) w.bytes(7, v);
  else if (Array.isArray(v)) w.message(5, (a) => v.forEach((x) => a.message(1, (m) => writeAnyValue(m, x))));
  else w.message(6, (kvl) => writeAttributes(kvl, 1, v));
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}
