// KeyValue / AnyValue (opentelemetry/proto/common/v1/common.proto) from the protobuf wire.

import type { AttributeValue, Attributes } from '../../core/model/otlp.ts';
import { AttributeShapes } from './attribute-shapes.ts';
import { tag, type FieldNames, type ProtobufReader } from './protobuf-reader.ts';
import { setAttribute } from './set-attribute.ts';

/** Deepest array/kvlist nesting accepted inside one AnyValue: a stack guard against hostile input. */
export const MAX_ANY_VALUE_DEPTH = 32;

export const KEY_VALUE_FIELDS: FieldNames = ['', 'key', 'value', 'key_strindex'];
export const ANY_VALUE_FIELDS: FieldNames = [
  '',
  'string_value',
  'bool_value',
  'int_value',
  'double_value',
  'array_value',
  'kvlist_value',
  'bytes_value',
  'string_value_strindex',
];
const VALUES_FIELDS: FieldNames = ['', 'values'];

const KEY = tag(1, 2);
const VALUE = tag(2, 2);
const STRING_VALUE = tag(1, 2);
const BOOL_VALUE = tag(2, 0);
const INT_VALUE = tag(3, 0);
const DOUBLE_VALUE = tag(4, 1);
const ARRAY_VALUE = tag(5, 2);
const KVLIST_VALUE = tag(6, 2);
const BYTES_VALUE = tag(7, 2);
const VALUES = tag(1, 2);

/**
 * Reads one KeyValue (the caller has entered it) into `target`, or adds it to a span's
 * AttributeShapes; a repeated key keeps its last value. `depth` counts the arrays/kvlists this
 * KeyValue sits in.
 */
export function readKeyValueInto(r: ProtobufReader, target: Attributes | AttributeShapes, depth = 0): void {
  let key = '';
  let value: AttributeValue = null;
  while (r.more()) {
    const t = r.readTag();
    if (t === KEY) key = r.readKey();
    else if (t === VALUE) {
      r.enter('value', -1, ANY_VALUE_FIELDS);
      value = readAnyValue(r, depth);
      r.leave();
    } else r.skip(t);
  }
  if (target instanceof AttributeShapes) target.add(key, value);
  else setAttribute(target, key, value);
}

/** Reads an AnyValue the caller has entered; an empty one (or a strindex) is null. */
export function readAnyValue(r: ProtobufReader, depth: number): AttributeValue {
  let value: AttributeValue = null;
  while (r.more()) {
    const t = r.readTag();
    switch (t) {
      case STRING_VALUE:
        value = r.readString();
        break;
      case BOOL_VALUE:
        value = r.readBool();
        break;
      case INT_VALUE:
        value = r.readInt64();
        break;
      case DOUBLE_VALUE:
        value = r.readDouble();
        break;
      case BYTES_VALUE:
        value = r.readBytes();
        break;
      case ARRAY_VALUE:
        r.enter('array_value', -1, VALUES_FIELDS);
        if (depth >= MAX_ANY_VALUE_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} arrays/kvlists`);
        value = readArrayValue(r, depth + 1);
        r.leave();
        break;
      case KVLIST_VALUE:
        r.enter('kvlist_value', -1, VALUES_FIELDS);
        if (depth >= MAX_ANY_VALUE_DEPTH) r.fail(`AnyValue nested deeper than ${MAX_ANY_VALUE_DEPTH} arrays/kvlists`);
        value = readKeyValueList(r, depth + 1);
        r.leave();
        break;
      default:
        r.skip(t);
    }
  }
  return value;
}

function readArrayValue(r: ProtobufReader, depth: number): AttributeValue[] {
  const out: AttributeValue[] = [];
  while (r.more()) {
    const t = r.readTag();
    if (t === VALUES) {
      r.enter('values', out.length, ANY_VALUE_FIELDS);
      out.push(readAnyValue(r, depth));
      r.leave();
    } else r.skip(t);
  }
  return out;
}

function readKeyValueList(r: ProtobufReader, depth: number): Attributes {
  const out: Attributes = {};
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === VALUES) {
      r.enter('values', i++, KEY_VALUE_FIELDS);
      readKeyValueInto(r, out, depth);
      r.leave();
    } else r.skip(t);
  }
  return out;
}
