// Resource and InstrumentationScope from the protobuf wire. Both are read into objects created
// up front, because the enclosing message's schema_url may arrive after its spans or records.

import type { OtlpResource, OtlpScope } from '../../core/model/otlp.ts';
import { KEY_VALUE_FIELDS, readKeyValueInto } from './protobuf-attributes.ts';
import { tag, type FieldNames, type ProtobufReader } from './protobuf-reader.ts';

export const RESOURCE_FIELDS: FieldNames = ['', 'attributes', 'dropped_attributes_count', 'entity_refs'];
export const SCOPE_FIELDS: FieldNames = ['', 'name', 'version', 'attributes', 'dropped_attributes_count'];

const RESOURCE_ATTRIBUTES = tag(1, 2);
const RESOURCE_DROPPED = tag(2, 0);
const SCOPE_NAME = tag(1, 2);
const SCOPE_VERSION = tag(2, 2);
const SCOPE_ATTRIBUTES = tag(3, 2);
const SCOPE_DROPPED = tag(4, 0);

export function emptyResource(): OtlpResource {
  return { attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

export function emptyScope(): OtlpScope {
  return { name: '', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };
}

/** Reads a Resource the caller has entered into `into` (fields repeated on the wire merge). */
export function readResourceInto(r: ProtobufReader, into: OtlpResource): void {
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === RESOURCE_ATTRIBUTES) {
      r.enter('attributes', i++, KEY_VALUE_FIELDS);
      readKeyValueInto(r, into.attributes);
      r.leave();
    } else if (t === RESOURCE_DROPPED) into.droppedAttributesCount = r.readUint32();
    else r.skip(t);
  }
}

/** Reads an InstrumentationScope the caller has entered into `into`. */
export function readScopeInto(r: ProtobufReader, into: OtlpScope): void {
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === SCOPE_NAME) into.name = r.readString();
    else if (t === SCOPE_VERSION) into.version = r.readString();
    else if (t === SCOPE_ATTRIBUTES) {
      r.enter('attributes', i++, KEY_VALUE_FIELDS);
      readKeyValueInto(r, into.attributes);
      r.leave();
    } else if (t === SCOPE_DROPPED) into.droppedAttributesCount = r.readUint32();
    else r.skip(t);
  }
}
