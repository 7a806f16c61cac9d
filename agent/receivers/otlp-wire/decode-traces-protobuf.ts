// ExportTraceServiceRequest (application/x-protobuf, and the gRPC TraceService/Export body) →
// DecodedTraces. Field numbers: opentelemetry/proto/trace/v1/trace.proto. Unknown fields are
// skipped; spans with bad ids are kept and left to the receiver (see span-validity.ts).

import type { Attributes, DecodedTraces, OtlpResource, OtlpScope, OtlpSpan, OtlpSpanEvent, OtlpSpanLink } from '../../core/model/otlp.ts';
import { AttributeShapes } from './attribute-shapes.ts';
import { KEY_VALUE_FIELDS, readKeyValueInto } from './protobuf-attributes.ts';
import { ProtobufReader, tag, type FieldNames } from './protobuf-reader.ts';
import { readEnvelope, type EnvelopeNames } from './protobuf-envelope.ts';

const SPAN_FIELDS: FieldNames = [
  '',
  'trace_id',
  'span_id',
  'trace_state',
  'parent_span_id',
  'name',
  'kind',
  'start_time_unix_nano',
  'end_time_unix_nano',
  'attributes',
  'dropped_attributes_count',
  'events',
  'dropped_events_count',
  'links',
  'dropped_links_count',
  'status',
  'flags',
];
const EVENT_FIELDS: FieldNames = ['', 'time_unix_nano', 'name', 'attributes', 'dropped_attributes_count'];
const LINK_FIELDS: FieldNames = ['', 'trace_id', 'span_id', 'trace_state', 'attributes', 'dropped_attributes_count', 'flags'];
const STATUS_FIELDS: FieldNames = ['', '', 'message', 'code'];

const LEN = 2;

const S_TRACE_ID = tag(1, LEN);
const S_SPAN_ID = tag(2, LEN);
const S_TRACE_STATE = tag(3, LEN);
const S_PARENT_SPAN_ID = tag(4, LEN);
const S_NAME = tag(5, LEN);
const S_KIND = tag(6, 0);
const S_START = tag(7, 1);
const S_END = tag(8, 1);
const S_ATTRIBUTES = tag(9, LEN);
const S_DROPPED_ATTRIBUTES = tag(10, 0);
const S_EVENTS = tag(11, LEN);
const S_DROPPED_EVENTS = tag(12, 0);
const S_LINKS = tag(13, LEN);
const S_DROPPED_LINKS = tag(14, 0);
const S_STATUS = tag(15, LEN);
const S_FLAGS = tag(16, 5);

const E_TIME = tag(1, 1);
const E_NAME = tag(2, LEN);
const E_ATTRIBUTES = tag(3, LEN);
const E_DROPPED = tag(4, 0);

const L_TRACE_ID = tag(1, LEN);
const L_SPAN_ID = tag(2, LEN);
const L_TRACE_STATE = tag(3, LEN);
const L_ATTRIBUTES = tag(4, LEN);
const L_DROPPED = tag(5, 0);
const L_FLAGS = tag(6, 5);

const ST_MESSAGE = tag(2, LEN);
const ST_CODE = tag(3, 0);

// Span attributes only: event and link attribute lists are short and stay fast as they are.
const spanAttributes = new AttributeShapes();

const NAMES: EnvelopeNames = { resourceGroup: 'resource_spans', scopeGroup: 'scope_spans', item: 'spans', itemFields: SPAN_FIELDS };

/** Decodes an ExportTraceServiceRequest; throws OtlpDecodeError naming the path of any problem. */
export function decodeTracesProtobuf(buf: Uint8Array): DecodedTraces {
  return { spans: readEnvelope(buf, NAMES, readSpan) };
}

function readSpan(r: ProtobufReader, resource: OtlpResource, scope: OtlpScope): OtlpSpan {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  let parentSpanId = '';
  let flags = 0;
  let name = '';
  let kind = 0;
  let startTimeUnixNano = 0n;
  let endTimeUnixNano = 0n;
  spanAttributes.start();
  let droppedAttributesCount = 0;
  const events: OtlpSpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: OtlpSpanLink[] = [];
  let droppedLinksCount = 0;
  let status = { code: 0, message: '' };
  let attributeIndex = 0;
  while (r.more()) {
    const t = r.readTag();
    switch (t) {
      case S_TRACE_ID:
        traceId = r.readHex();
        break;
      case S_SPAN_ID:
        spanId = r.readHex();
        break;
      case S_TRACE_STATE:
        traceState = r.readString();
        break;
      case S_PARENT_SPAN_ID:
        parentSpanId = r.readHex();
        break;
      case S_NAME:
        name = r.readString();
        break;
      case S_KIND:
        kind = r.readInt32();
        break;
      case S_START:
        startTimeUnixNano = r.readFixed64();
        break;
      case S_END:
        endTimeUnixNano = r.readFixed64();
        break;
      case S_ATTRIBUTES:
        r.enter('attributes', attributeIndex++, KEY_VALUE_FIELDS);
        readKeyValueInto(r, spanAttributes);
        r.leave();
        break;
      case S_DROPPED_ATTRIBUTES:
        droppedAttributesCount = r.readUint32();
        break;
      case S_EVENTS:
        r.enter('events', events.length, EVENT_FIELDS);
        events.push(readEvent(r));
        r.leave();
        break;
      case S_DROPPED_EVENTS:
        droppedEventsCount = r.readUint32();
        break;
      case S_LINKS:
        r.enter('links', links.length, LINK_FIELDS);
        links.push(readLink(r));
        r.leave();
        break;
      case S_DROPPED_LINKS:
        droppedLinksCount = r.readUint32();
        break;
      case S_STATUS:
        r.enter('status', -1, STATUS_FIELDS);
        status = readStatus(r);
        r.leave();
        break;
      case S_FLAGS:
        flags = r.readFixed32();
        break;
      default:
        r.skip(t);
    }
  }
  return {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind,
    startTimeUnixNano,
    endTimeUnixNano,
    attributes: spanAttributes.build(),
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount,
    status,
    resource,
    scope,
  };
}

function readEvent(r: ProtobufReader): OtlpSpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === E_TIME) timeUnixNano = r.readFixed64();
    else if (t === E_NAME) name = r.readString();
    else if (t === E_ATTRIBUTES) {
      r.enter('attributes', i++, KEY_VALUE_FIELDS);
      readKeyValueInto(r, attributes);
      r.leave();
    } else if (t === E_DROPPED) droppedAttributesCount = r.readUint32();
    else r.skip(t);
  }
  return { timeUnixNano, name, attributes, droppedAttributesCount };
}

function readLink(r: ProtobufReader): OtlpSpanLink {
  let traceId = '';
  let spanId = '';
  let traceState = '';
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let flags = 0;
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === L_TRACE_ID) traceId = r.readHex();
    else if (t === L_SPAN_ID) spanId = r.readHex();
    else if (t === L_TRACE_STATE) traceState = r.readString();
    else if (t === L_ATTRIBUTES) {
      r.enter('attributes', i++, KEY_VALUE_FIELDS);
      readKeyValueInto(r, attributes);
      r.leave();
    } else if (t === L_DROPPED) droppedAttributesCount = r.readUint32();
    else if (t === L_FLAGS) flags = r.readFixed32();
    else r.skip(t);
  }
  return { traceId, spanId, traceState, attributes, droppedAttributesCount, flags };
}

function readStatus(r: ProtobufReader): { code: number; message: string } {
  let code = 0;
  let message = '';
  while (r.more()) {
    const t = r.readTag();
    if (t === ST_MESSAGE) message = r.readString();
    else if (t === ST_CODE) code = r.readInt32();
    else r.skip(t);
  }
  return { code, message };
}
