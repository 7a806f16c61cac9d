// ExportLogsServiceRequest (application/x-protobuf, and the gRPC LogsService/Export body) →
// DecodedLogs. Field numbers: opentelemetry/proto/logs/v1/logs.proto. Unknown fields are skipped.

import type { AttributeValue, Attributes, DecodedLogs, OtlpLogRecord, OtlpResource, OtlpScope } from '../../core/model/otlp.ts';
import { ANY_VALUE_FIELDS, KEY_VALUE_FIELDS, readAnyValue, readKeyValueInto } from './protobuf-attributes.ts';
import { ProtobufReader, tag, type FieldNames } from './protobuf-reader.ts';
import { readEnvelope, type EnvelopeNames } from './protobuf-envelope.ts';

const LOG_RECORD_FIELDS: FieldNames = [
  '',
  'time_unix_nano',
  'severity_number',
  'severity_text',
  '',
  'body',
  'attributes',
  'dropped_attributes_count',
  'flags',
  'trace_id',
  'span_id',
  'observed_time_unix_nano',
  'event_name',
];

const LEN = 2;

const R_TIME = tag(1, 1);
const R_SEVERITY_NUMBER = tag(2, 0);
const R_SEVERITY_TEXT = tag(3, LEN);
const R_BODY = tag(5, LEN);
const R_ATTRIBUTES = tag(6, LEN);
const R_DROPPED = tag(7, 0);
const R_FLAGS = tag(8, 5);
const R_TRACE_ID = tag(9, LEN);
const R_SPAN_ID = tag(10, LEN);
const R_OBSERVED_TIME = tag(11, 1);
const R_EVENT_NAME = tag(12, LEN);

const NAMES: EnvelopeNames = {
  resourceGroup: 'resource_logs',
  scopeGroup: 'scope_logs',
  item: 'log_records',
  itemFields: LOG_RECORD_FIELDS,
};

/** Decodes an ExportLogsServiceRequest; throws OtlpDecodeError naming the path of any problem. */
export function decodeLogsProtobuf(buf: Uint8Array): DecodedLogs {
  return { logs: readEnvelope(buf, NAMES, readLogRecord) };
}

function readLogRecord(r: ProtobufReader, resource: OtlpResource, scope: OtlpScope): OtlpLogRecord {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText = '';
  let body: AttributeValue = null;
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let flags = 0;
  let traceId = '';
  let spanId = '';
  let eventName = '';
  let attributeIndex = 0;
  while (r.more()) {
    const t = r.readTag();
    switch (t) {
      case R_TIME:
        timeUnixNano = r.readFixed64();
        break;
      case R_OBSERVED_TIME:
        observedTimeUnixNano = r.readFixed64();
        break;
      case R_SEVERITY_NUMBER:
        severityNumber = r.readInt32();
        break;
      case R_SEVERITY_TEXT:
        severityText = r.readString();
        break;
      case R_BODY:
        r.enter('body', -1, ANY_VALUE_FIELDS);
        body = readAnyValue(r, 0);
        r.leave();
        break;
      case R_ATTRIBUTES:
        r.enter('attributes', attributeIndex++, KEY_VALUE_FIELDS);
        readKeyValueInto(r, attributes);
        r.leave();
        break;
      case R_DROPPED:
        droppedAttributesCount = r.readUint32();
        break;
      case R_FLAGS:
        flags = r.readFixed32();
        break;
      case R_TRACE_ID:
        traceId = r.readHex();
        break;
      case R_SPAN_ID:
        spanId = r.readHex();
        break;
      case R_EVENT_NAME:
        eventName = r.readString();
        break;
      default:
        r.skip(t);
    }
  }
  return {
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount,
    flags,
    traceId,
    spanId,
    eventName,
    resource,
    scope,
  };
}
