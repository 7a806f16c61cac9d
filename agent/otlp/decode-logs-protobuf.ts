// ExportLogsServiceRequest (application/x-protobuf, and the gRPC LogsService/Export body) →
// DecodedLogs. Field numbers: opentelemetry/proto/logs/v1/logs.proto. Unknown fields are skipped.

import type { AttributeValue, Attributes, DecodedLogs, OtlpLogRecord, OtlpResource, OtlpScope } from '../model/otlp.ts';
import { ANY_VALUE_FIELDS, KEY_VALUE_FIELDS, readAnyValue, readKeyValueInto } from './protobuf-attributes.ts';
import { ProtobufReader, tag, type FieldNames } from './protobuf-reader.ts';
import { emptyResource, emptyScope, readResourceInto, readScopeInto, RESOURCE_FIELDS, SCOPE_FIELDS } from './protobuf-resource-scope.ts';

const REQUEST_FIELDS: FieldNames = ['', 'resource_logs'];
const RESOURCE_LOGS_FIELDS: FieldNames = ['', 'resource', 'scope_logs', 'schema_url'];
const SCOPE_LOGS_FIELDS: FieldNames = ['', 'scope', 'log_records', 'schema_url'];
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
const RESOURCE_LOGS = tag(1, LEN);
const RESOURCE = tag(1, LEN);
const SCOPE_LOGS = tag(2, LEN);
const SCHEMA_URL = tag(3, LEN);
const SCOPE = tag(1, LEN);
const LOG_RECORDS = tag(2, LEN);

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

/** Decodes an ExportLogsServiceRequest; throws OtlpDecodeError naming the path of any problem. */
export function decodeLogsProtobuf(buf: Uint8Array): DecodedLogs {
  const r = new ProtobufReader(buf, REQUEST_FIELDS);
  const logs: OtlpLogRecord[] = [];
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === RESOURCE_LOGS) {
      r.enter('resource_logs', i++, RESOURCE_LOGS_FIELDS);
      readResourceLogs(r, logs);
      r.leave();
    } else r.skip(t);
  }
  return { logs };
}

function readResourceLogs(r: ProtobufReader, logs: OtlpLogRecord[]): void {
  const resource = emptyResource();
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === SCOPE_LOGS) {
      r.enter('scope_logs', i++, SCOPE_LOGS_FIELDS);
      readScopeLogs(r, resource, logs);
      r.leave();
    } else if (t === RESOURCE) {
      r.enter('resource', -1, RESOURCE_FIELDS);
      readResourceInto(r, resource);
      r.leave();
    } else if (t === SCHEMA_URL) resource.schemaUrl = r.readString();
    else r.skip(t);
  }
}

function readScopeLogs(r: ProtobufReader, resource: OtlpResource, logs: OtlpLogRecord[]): void {
  const scope = emptyScope();
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === LOG_RECORDS) {
      r.enter('log_records', i++, LOG_RECORD_FIELDS);
      logs.push(readLogRecord(r, resource, scope));
      r.leave();
    } else if (t === SCOPE) {
      r.enter('scope', -1, SCOPE_FIELDS);
      readScopeInto(r, scope);
      r.leave();
    } else if (t === SCHEMA_URL) scope.schemaUrl = r.readString();
    else r.skip(t);
  }
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
