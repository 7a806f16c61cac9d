// The envelope every OTLP export request shares: Request { repeated Resource* = 1 } →
// Resource* { resource = 1; repeated Scope* = 2; schema_url = 3 } → Scope* { scope = 1; repeated
// item = 2; schema_url = 3 }. Traces and logs differ only in their names and their item message.
import type { OtlpResource, OtlpScope } from '../../core/model/otlp.ts';
import { ProtobufReader, tag, type FieldNames } from './protobuf-reader.ts';
import { emptyResource, emptyScope, readResourceInto, readScopeInto, RESOURCE_FIELDS, SCOPE_FIELDS } from './protobuf-resource-scope.ts';

export interface EnvelopeNames {
  /** e.g. resource_spans / scope_spans / spans: used in error paths. */
  resourceGroup: string;
  scopeGroup: string;
  item: string;
  itemFields: FieldNames;
}

export type ItemReader<T> = (r: ProtobufReader, resource: OtlpResource, scope: OtlpScope) => T;

const LEN = 2;
const FIRST = tag(1, LEN);
const SECOND = tag(2, LEN);
const SCHEMA_URL = tag(3, LEN);

export function readEnvelope<T>(buf: Uint8Array, names: EnvelopeNames, readItem: ItemReader<T>): T[] {
  const resourceFields: FieldNames = ['', 'resource', names.scopeGroup, 'schema_url'];
  const scopeFields: FieldNames = ['', 'scope', names.item, 'schema_url'];
  const r = new ProtobufReader(buf, ['', names.resourceGroup]);
  const items: T[] = [];
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === FIRST) {
      r.enter(names.resourceGroup, i++, resourceFields);
      readResourceGroup(r, names, scopeFields, readItem, items);
      r.leave();
    } else r.skip(t);
  }
  return items;
}

function readResourceGroup<T>(r: ProtobufReader, names: EnvelopeNames, scopeFields: FieldNames, readItem: ItemReader<T>, items: T[]): void {
  const resource = emptyResource();
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === SECOND) {
      r.enter(names.scopeGroup, i++, scopeFields);
      readScopeGroup(r, names, resource, readItem, items);
      r.leave();
    } else if (t === FIRST) {
      r.enter('resource', -1, RESOURCE_FIELDS);
      readResourceInto(r, resource);
      r.leave();
    } else if (t === SCHEMA_URL) resource.schemaUrl = r.readString();
    else r.skip(t);
  }
}

function readScopeGroup<T>(r: ProtobufReader, names: EnvelopeNames, resource: OtlpResource, readItem: ItemReader<T>, items: T[]): void {
  const scope = emptyScope();
  let i = 0;
  while (r.more()) {
    const t = r.readTag();
    if (t === SECOND) {
      r.enter(names.item, i++, names.itemFields);
      items.push(readItem(r, resource, scope));
      r.leave();
    } else if (t === FIRST) {
      r.enter('scope', -1, SCOPE_FIELDS);
      readScopeInto(r, scope);
      r.leave();
    } else if (t === SCHEMA_URL) scope.schemaUrl = r.readString();
    else r.skip(t);
  }
}
