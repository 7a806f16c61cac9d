// OTLP/JSON (application/json) export requests → the same DecodedTraces / DecodedLogs as the
// protobuf decoders. JSON.parse first, then one normalising walk that checks every field's type
// and reports the JSON path of the first wrong one. Unknown keys are ignored, as the spec asks.

import type {
  DecodedLogs,
  DecodedTraces,
  OtlpLogRecord,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpSpanLink,
} from '../../core/model/otlp.ts';
import { OtlpDecodeError } from './decode-error.ts';
import { readJsonAnyValue, readJsonAttributes, readJsonResource, readJsonScope } from './json-attributes.ts';
import {
  describeJson,
  expectJsonObject,
  isJsonObject,
  JsonCursor,
  readJsonArray,
  readJsonEnum,
  readJsonHexId,
  readJsonObject,
  readJsonString,
  readJsonUint32,
  readJsonUnixNano,
  type JsonObject,
} from './json-fields.ts';
import { describeJsonSyntaxError } from './json-syntax-error.ts';

const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Readonly<Record<string, number>> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };
const SEVERITY_NUMBER_NAMES: Readonly<Record<string, number>> = severityNumberNames();

const utf8 = new TextDecoder('utf-8');

/** Decodes an OTLP/JSON ExportTraceServiceRequest; throws OtlpDecodeError with the JSON path. */
export function decodeTracesJson(body: string | Uint8Array): DecodedTraces {
  const { root, text } = parseRequest(body);
  const c = new JsonCursor(text);
  const spans: OtlpSpan[] = [];
  const resourceSpans = readJsonArray(root, 'resourceSpans', c);
  for (let i = 0; i < resourceSpans.length; i++) {
    c.enter('resourceSpans', i);
    const rs = expectJsonObject(resourceSpans[i], c);
    const resource = readJsonResource(rs, c, readJsonString(rs, 'schemaUrl', c));
    const scopeSpans = readJsonArray(rs, 'scopeSpans', c);
    for (let j = 0; j < scopeSpans.length; j++) {
      c.enter('scopeSpans', j);
      const ss = expectJsonObject(scopeSpans[j], c);
      const scope = readJsonScope(ss, c, readJsonString(ss, 'schemaUrl', c));
      const list = readJsonArray(ss, 'spans', c);
      for (let k = 0; k < list.length; k++) {
        c.enter('spans', k);
        spans.push(readSpan(expectJsonObject(list[k], c), c, resource, scope));
        c.leave();
      }
      c.leave();
    }
    c.leave();
  }
  return { spans };
}

/** Decodes an OTLP/JSON ExportLogsServiceRequest; throws OtlpDecodeError with the JSON path. */
export function decodeLogsJson(body: string | Uint8Array): DecodedLogs {
  const { root, text } = parseRequest(body);
  const c = new JsonCursor(text);
  const logs: OtlpLogRecord[] = [];
  const resourceLogs = readJsonArray(root, 'resourceLogs', c);
  for (let i = 0; i < resourceLogs.length; i++) {
    c.enter('resourceLogs', i);
    const rl = expectJsonObject(resourceLogs[i], c);
    const resource = readJsonResource(rl, c, readJsonString(rl, 'schemaUrl', c));
    const scopeLogs = readJsonArray(rl, 'scopeLogs', c);
    for (let j = 0; j < scopeLogs.length; j++) {
      c.enter('scopeLogs', j);
      const sl = expectJsonObject(scopeLogs[j], c);
      const scope = readJsonScope(sl, c, readJsonString(sl, 'schemaUrl', c));
      const list = readJsonArray(sl, 'logRecords', c);
      for (let k = 0; k < list.length; k++) {
        c.enter('logRecords', k);
        logs.push(readLogRecord(expectJsonObject(list[k], c), c, resource, scope));
        c.leave();
      }
      c.leave();
    }
    c.leave();
  }
  return { logs };
}

function parseRequest(body: string | Uint8Array): { root: JsonObject; text: string } {
  const text = typeof body === 'string' ? body : utf8.decode(body);
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (err) {
    throw new OtlpDecodeError('', `invalid JSON: ${describeJsonSyntaxError(text, err)}`);
  }
  if (!isJsonObject(root)) throw new OtlpDecodeError('', `expected a JSON object at the top level, got ${describeJson(root)}`);
  return { root, text };
}

function readSpan(s: JsonObject, c: JsonCursor, resource: OtlpResource, scope: OtlpScope): OtlpSpan {
  const statusObject = readJsonObject(s, 'status', c);
  let status = { code: 0, message: '' };
  if (statusObject !== null) {
    c.enter('status', -1);
    status = {
      code: readJsonEnum(statusObject, 'code', c, STATUS_CODE_NAMES, 'STATUS_CODE_'),
      message: readJsonString(statusObject, 'message', c),
    };
    c.leave();
  }
  return {
    traceId: readJsonHexId(s, 'traceId', c, 16),
    spanId: readJsonHexId(s, 'spanId', c, 8),
    parentSpanId: readJsonHexId(s, 'parentSpanId', c, 8),
    traceState: readJsonString(s, 'traceState', c),
    flags: readJsonUint32(s, 'flags', c),
    name: readJsonString(s, 'name', c),
    kind: readJsonEnum(s, 'kind', c, SPAN_KIND_NAMES, 'SPAN_KIND_'),
    startTimeUnixNano: readJsonUnixNano(s, 'startTimeUnixNano', c),
    endTimeUnixNano: readJsonUnixNano(s, 'endTimeUnixNano', c),
    attributes: readJsonAttributes(s, 'attributes', c),
    droppedAttributesCount: readJsonUint32(s, 'droppedAttributesCount', c),
    events: readEvents(s, c),
    droppedEventsCount: readJsonUint32(s, 'droppedEventsCount', c),
    links: readLinks(s, c),
    droppedLinksCount: readJsonUint32(s, 'droppedLinksCount', c),
    status,
    resource,
    scope,
  };
}

function readEvents(s: JsonObject, c: JsonCursor): OtlpSpanEvent[] {
  const list = readJsonArray(s, 'events', c);
  const events: OtlpSpanEvent[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    c.enter('events', i);
    const e = expectJsonObject(list[i], c);
    events[i] = {
      timeUnixNano: readJsonUnixNano(e, 'timeUnixNano', c),
      name: readJsonString(e, 'name', c),
      attributes: readJsonAttributes(e, 'attributes', c),
      droppedAttributesCount: readJsonUint32(e, 'droppedAttributesCount', c),
    };
    c.leave();
  }
  return events;
}

function readLinks(s: JsonObject, c: JsonCursor): OtlpSpanLink[] {
  const list = readJsonArray(s, 'links', c);
  const links: OtlpSpanLink[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    c.enter('links', i);
    const l = expectJsonObject(list[i], c);
    links[i] = {
      traceId: readJsonHexId(l, 'traceId', c, 16),
      spanId: readJsonHexId(l, 'spanId', c, 8),
      traceState: readJsonString(l, 'traceState', c),
      attributes: readJsonAttributes(l, 'attributes', c),
      droppedAttributesCount: readJsonUint32(l, 'droppedAttributesCount', c),
      flags: readJsonUint32(l, 'flags', c),
    };
    c.leave();
  }
  return links;
}

function readLogRecord(r: JsonObject, c: JsonCursor, resource: OtlpResource, scope: OtlpScope): OtlpLogRecord {
  let body = null;
  if (r.body !== undefined && r.body !== null) {
    c.enter('body', -1);
    body = readJsonAnyValue(r.body, c, 0);
    c.leave();
  }
  return {
    timeUnixNano: readJsonUnixNano(r, 'timeUnixNano', c),
    observedTimeUnixNano: readJsonUnixNano(r, 'observedTimeUnixNano', c),
    severityNumber: readJsonEnum(r, 'severityNumber', c, SEVERITY_NUMBER_NAMES, 'SEVERITY_NUMBER_'),
    severityText: readJsonString(r, 'severityText', c),
    body,
    attributes: readJsonAttributes(r, 'attributes', c),
    droppedAttributesCount: readJsonUint32(r, 'droppedAttributesCount', c),
    flags: readJsonUint32(r, 'flags', c),
    traceId: readJsonHexId(r, 'traceId', c, 16),
    spanId: readJsonHexId(r, 'spanId', c, 8),
    eventName: readJsonString(r, 'eventName', c),
    resource,
    scope,
  };
}

function severityNumberNames(): Record<string, number> {
  const names: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  levels.forEach((level, i) => {
    names[`SEVERITY_NUMBER_${level}`] = i * 4 + 1;
    for (let n = 2; n <= 4; n++) names[`SEVERITY_NUMBER_${level}${n}`] = i * 4 + n;
  });
  return names;
}
