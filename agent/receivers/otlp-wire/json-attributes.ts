// KeyValue / AnyValue, Resource and InstrumentationScope from OTLP/JSON (already JSON.parse'd).

import type { AttributeValue, Attributes, OtlpResource, OtlpScope } from '../../core/model/otlp.ts';
import {
  expectJsonObject,
  isJsonObject,
  readJsonArray,
  readJsonBase64,
  readJsonBool,
  readJsonDouble,
  readJsonInt64,
  readJsonObject,
  readJsonString,
  readJsonUint32,
  describeJson,
  type JsonCursor,
  type JsonObject,
} from './json-fields.ts';
import { AttributeShapes } from './attribute-shapes.ts';
import { MAX_ANY_VALUE_DEPTH } from './protobuf-attributes.ts';
import { setAttribute } from './set-attribute.ts';

// Every top-level list goes through one AttributeShapes: each is read whole before the next.
const shapes = new AttributeShapes();

/** Reads a repeated KeyValue field (`key` of `o`) into a new attribute object. */
export function readJsonAttributes(o: JsonObject, key: string, c: JsonCursor): Attributes {
  const list = readJsonArray(o, key, c);
  shapes.start();
  for (let i = 0; i < list.length; i++) {
    c.enter(key, i);
    readJsonKeyValueInto(expectJsonObject(list[i], c), shapes, c, 0);
    c.leave();
  }
  return shapes.build();
}

function readJsonKeyValueInto(kv: JsonObject, out: Attributes | AttributeShapes, c: JsonCursor, depth: number): void {
  const k = readJsonString(kv, 'key', c);
  const v = kv.value;
  let value: AttributeValue = null;
  if (v !== undefined && v !== null) {
    c.enter('value', -1);
    value = readJsonAnyValue(v, c, depth);
    c.leave();
  }
  if (out instanceof AttributeShapes) out.add(k, value);
  else setAttribute(out, k, value);
}

/** An AnyValue object (the cursor is at it); `{}` is null. `depth` counts enclosing arrays/kvlists. */
export function readJsonAnyValue(v: unknown, c: JsonCursor, depth: number): AttributeValue {
  if (!isJsonObject(v)) return c.fail('', `expected an AnyValue object, got ${describeJson(v)}`);
  if (v.stringValue != null) return readJsonString(v, 'stringValue', c);
  if (v.intValue != null) return readJsonInt64(v, 'intValue', c);
  if (v.boolValue != null) return readJsonBool(v, 'boolValue', c);
  if (v.doubleValue != null) return readJsonDouble(v, 'doubleValue', c);
  if (v.arrayValue != null || v.kvlistValue != null) {
    const isArray = v.arrayValue != null;
    const field = isArray ? 'arrayValue' : 'kvlistValue';
    const holder = readJsonObject(v, field, c);
    if (depth >= MAX_ANY_VALUE_DEPTH) c.fail(field, `AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} arrays/kvlists`);
    if (holder === null) return isArray ? [] : {};
    c.enter(field, -1);
    const values = readJsonArray(holder, 'values', c);
    let out: AttributeValue;
    if (isArray) {
      const items: AttributeValue[] = new Array(values.length);
      for (let i = 0; i < values.length; i++) {
        c.enter('values', i);
        items[i] = readJsonAnyValue(values[i], c, depth + 1);
        c.leave();
      }
      out = items;
    } else {
      const map: Attributes = {};
      for (let i = 0; i < values.length; i++) {
        c.enter('values', i);
        readJsonKeyValueInto(expectJsonObject(values[i], c), map, c, depth + 1);
        c.leave();
      }
      out = map;
    }
    c.leave();
    return out;
  }
  if (v.bytesValue != null) return readJsonBase64(v, 'bytesValue', c);
  return null;
}

/** The `resource` of a ResourceSpans/ResourceLogs; `schemaUrl` comes from that enclosing object. */
export function readJsonResource(o: JsonObject, c: JsonCursor, schemaUrl: string): OtlpResource {
  const r = readJsonObject(o, 'resource', c);
  if (r === null) return { attributes: {}, droppedAttributesCount: 0, schemaUrl };
  c.enter('resource', -1);
  const resource = {
    attributes: readJsonAttributes(r, 'attributes', c),
    droppedAttributesCount: readJsonUint32(r, 'droppedAttributesCount', c),
    schemaUrl,
  };
  c.leave();
  return resource;
}

/** The `scope` of a ScopeSpans/ScopeLogs; `schemaUrl` comes from that enclosing object. */
export function readJsonScope(o: JsonObject, c: JsonCursor, schemaUrl: string): OtlpScope {
  const s = readJsonObject(o, 'scope', c);
  if (s === null) return { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl };
  c.enter('scope', -1);
  const scope = {
    name: readJsonString(s, 'name', c),
    version: readJsonString(s, 'version', c),
    attributes: readJsonAttributes(s, 'attributes', c),
    droppedAttributesCount: readJsonUint32(s, 'droppedAttributesCount', c),
    schemaUrl,
  };
  c.leave();
  return scope;
}
