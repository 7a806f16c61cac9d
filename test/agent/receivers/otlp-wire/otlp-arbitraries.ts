// fast-check generators for SDK-shaped spans and log records (what the official serializers
// take), and the decoded form each one must come back as.

import type { HrTime, SpanContext } from '@opentelemetry/api';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpResource, OtlpScope, OtlpSpan } from '../../../../agent/core/model/otlp.ts';

/** A raw SDK attribute value: anything the serializers' writeAnyValue accepts. */
export type RawValue = string | number | boolean | Uint8Array | null | RawValue[] | { [key: string]: RawValue };
type RawAttributes = Record<string, RawValue>;

const TWO_POW_63 = 2 ** 63;

export const textArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', 'gen_ai.request.model', '😀𝄞 astral', '__proto__'),
);
const hexArb = (chars: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${chars}}$`));
const hrTimeArb: fc.Arbitrary<HrTime> = fc.tuple(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: 0, max: 999_999_999 }));

const intArb = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, -(2 ** 53), -TWO_POW_63, 2 ** 62),
  fc
    .bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
    .map(Number)
    .filter((n) => n < TWO_POW_63),
);
const doubleArb = fc.double({ noNaN: true, noDefaultInfinity: true });

export const rawValueArb: fc.Arbitrary<RawValue> = fc.letrec<{ value: RawValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    textArb,
    fc.boolean(),
    intArb,
    doubleArb,
    fc.uint8Array({ maxLength: 8 }),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.uniqueArray(fc.tuple(textArb, tie('value')), { maxLength: 3, selector: ([k]) => k }).map(toObject),
  ),
})).value;

export const attributesArb: fc.Arbitrary<RawAttributes> = fc
  .uniqueArray(fc.tuple(textArb, rawValueArb), { maxLength: 6, selector: ([k]) => k })
  .map(toObject);

function toObject(entries: [string, RawValue][]): { [key: string]: RawValue } {
  const out: { [key: string]: RawValue } = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out;
}

/** What a raw value decodes to: integral numbers travel as int_value, so unsafe ones become bigint. */
export function expectedValue(v: RawValue | undefined): AttributeValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -TWO_POW_63 && v < TWO_POW_63) return Number.isSafeInteger(v) ? v + 0 : BigInt(v);
    return v;
  }
  if (typeof v === 'string' || typeof v === 'boolean' || v instanceof Uint8Array) return v;
  if (Array.isArray(v)) return v.map(expectedValue);
  return expectedAttributes(v);
}

export function expectedAttributes(attributes: RawAttributes | undefined): Attributes {
  const out: Attributes = {};
  for (const k of Object.keys(attributes ?? {}))
    Object.defineProperty(out, k, { value: expectedValue(attributes![k]), enumerable: true, writable: true, configurable: true });
  return out;
}

const hrToNanos = ([s, ns]: HrTime) => BigInt(s) * 1_000_000_000n + BigInt(ns);

interface RawResource {
  attributes: RawAttributes;
  schemaUrl?: string;
}
interface RawScope {
  name: string;
  version?: string;
  schemaUrl?: string;
  attributes?: RawAttributes;
}

const resourceArb = fc.record({ attributes: attributesArb, schemaUrl: fc.option(textArb, { nil: undefined }) });
// Scope names are made unique per request below: the JSON serializer groups scopes by name.
const scopeArb = fc.record({
  name: textArb,
  version: fc.option(textArb, { nil: undefined }),
  schemaUrl: fc.option(textArb, { nil: undefined }),
  attributes: fc.option(attributesArb, { nil: undefined }),
});

const spanContextArb = fc.record({
  traceId: hexArb(32),
  spanId: hexArb(16),
  traceFlags: fc.integer({ min: 0, max: 255 }),
  isRemote: fc.option(fc.boolean(), { nil: undefined }),
  traceState: fc.option(fc.stringMatching(/^[a-z]{1,8}=[a-z0-9]{1,8}$/), { nil: undefined }),
});

const rawSpanArb = fc.record({
  name: textArb,
  kind: fc.integer({ min: 0, max: 4 }),
  context: spanContextArb,
  parent: fc.option(spanContextArb, { nil: undefined }),
  startTime: hrTimeArb,
  endTime: hrTimeArb,
  status: fc.record({ code: fc.integer({ min: 0, max: 2 }), message: fc.option(textArb, { nil: undefined }) }),
  attributes: attributesArb,
  events: fc.array(
    fc.record({
      name: textArb,
      time: hrTimeArb,
      attributes: fc.option(attributesArb, { nil: undefined }),
      droppedAttributesCount: fc.option(fc.nat(1000), { nil: undefined }),
    }),
    { maxLength: 3 },
  ),
  links: fc.array(
    fc.record({
      context: spanContextArb,
      attributes: fc.option(attributesArb, { nil: undefined }),
      droppedAttributesCount: fc.option(fc.nat(1000), { nil: undefined }),
    }),
    { maxLength: 2 },
  ),
  droppedAttributesCount: fc.nat(1000),
  droppedEventsCount: fc.nat(1000),
  droppedLinksCount: fc.nat(1000),
  resourceIndex: fc.nat(),
  scopeIndex: fc.nat(),
});

type RawSpan = typeof rawSpanArb extends fc.Arbitrary<infer T> ? T : never;

const withTraceState = (c: RawSpan['context']): SpanContext => ({
  traceId: c.traceId,
  spanId: c.spanId,
  traceFlags: c.traceFlags,
  isRemote: c.isRemote,
  traceState: c.traceState === undefined ? undefined : ({ serialize: () => c.traceState } as unknown as SpanContext['traceState']),
});

/** Spans over 1–3 resources and 1–3 scopes, as SDK ReadableSpans plus their expected decoding. */
export const spanBatchArb: fc.Arbitrary<{ spans: ReadableSpan[]; expected: OtlpSpan[] }> = fc
  .record({
    resources: fc.array(resourceArb, { minLength: 1, maxLength: 3 }),
    scopes: fc.array(scopeArb, { minLength: 1, maxLength: 3 }),
    spans: fc.array(rawSpanArb, { minLength: 1, maxLength: 6 }),
  })
  .map(({ resources, scopes, spans }) =>
    buildSpans(
      resources,
      scopes.map((s, i) => ({ ...s, name: `${s.name}#${i}` })),
      spans,
    ),
  );

function buildSpans(resources: RawResource[], scopes: RawScope[], raw: RawSpan[]) {
  const expectedResources = resources.map((r): OtlpResource => ({
    attributes: expectedAttributes(r.attributes),
    droppedAttributesCount: 0,
    schemaUrl: r.schemaUrl ?? '',
  }));
  const expectedScopes = scopes.map((s): OtlpScope => ({
    name: s.name,
    version: s.version ?? '',
    attributes: expectedAttributes(s.attributes),
    droppedAttributesCount: 0,
    schemaUrl: s.schemaUrl ?? '',
  }));
  const spans = raw.map((r) => {
    const span = {
      name: r.name,
      kind: r.kind,
      spanContext: () => withTraceState(r.context),
      parentSpanContext: r.parent && withTraceState(r.parent),
      startTime: r.startTime,
      endTime: r.endTime,
      status: r.status,
      attributes: r.attributes,
      links: r.links.map((l) => ({ ...l, context: withTraceState(l.context) })),
      events: r.events,
      duration: [0, 0],
      ended: true,
      resource: resources[r.resourceIndex % resources.length],
      instrumentationScope: scopes[r.scopeIndex % scopes.length],
      droppedAttributesCount: r.droppedAttributesCount,
      droppedEventsCount: r.droppedEventsCount,
      droppedLinksCount: r.droppedLinksCount,
    };
    return span as unknown as ReadableSpan;
  });
  const expected = raw.map((r): OtlpSpan => ({
    traceId: r.context.traceId,
    spanId: r.context.spanId,
    parentSpanId: r.parent?.spanId ?? '',
    traceState: r.context.traceState ?? '',
    flags: (r.context.traceFlags & 0xff) | 0x100 | (r.parent?.isRemote ? 0x200 : 0),
    name: r.name,
    kind: r.kind + 1,
    startTimeUnixNano: hrToNanos(r.startTime),
    endTimeUnixNano: hrToNanos(r.endTime),
    attributes: expectedAttributes(r.attributes),
    droppedAttributesCount: r.droppedAttributesCount,
    events: r.events.map((e) => ({
      timeUnixNano: hrToNanos(e.time),
      name: e.name,
      attributes: expectedAttributes(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount ?? 0,
    })),
    droppedEventsCount: r.droppedEventsCount,
    links: r.links.map((l) => ({
      traceId: l.context.traceId,
      spanId: l.context.spanId,
      traceState: l.context.traceState ?? '',
      attributes: expectedAttributes(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount ?? 0,
      flags: (l.context.traceFlags & 0xff) | 0x100 | (l.context.isRemote ? 0x200 : 0),
    })),
    droppedLinksCount: r.droppedLinksCount,
    status: { code: r.status.code, message: r.status.message ?? '' },
    resource: expectedResources[r.resourceIndex % resources.length],
    scope: expectedScopes[r.scopeIndex % scopes.length],
  }));
  const keys = raw.map((r) => ({ resource: r.resourceIndex % resources.length, scope: r.scopeIndex % scopes.length }));
  return { spans, expected: groupLikeSerializer(keys, expected).map(asDecoded) };
}

/**
 * The decoders hand over text PostgreSQL can store: NUL becomes U+FFFD in every string and key
 * (the generated text holds no lone surrogates, which UTF-8 could not carry anyway).
 */
function asDecoded<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replaceAll('\u0000', '\ufffd');
    if (Array.isArray(v)) return v.map(walk);
    if (v === null || typeof v !== 'object' || v instanceof Uint8Array) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, walk(k) as string, { value: walk(x), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return walk(value) as T;
}

/** The serializers group by resource, then scope, in first-seen order. */
export function groupLikeSerializer<T>(keys: { resource: number; scope: number }[], items: T[]): T[] {
  const byResource = new Map<number, Map<number, T[]>>();
  keys.forEach((k, i) => {
    let scopes = byResource.get(k.resource);
    if (!scopes) byResource.set(k.resource, (scopes = new Map()));
    let list = scopes.get(k.scope);
    if (!list) scopes.set(k.scope, (list = []));
    list.push(items[i]);
  });
  return [...byResource.values()].flatMap((scopes) => [...scopes.values()].flat());
}

const rawLogArb = fc.record({
  hrTime: hrTimeArb,
  hrTimeObserved: hrTimeArb,
  spanContext: fc.option(fc.record({ traceId: hexArb(32), spanId: hexArb(16), traceFlags: fc.integer({ min: 0, max: 255 }) }), {
    nil: undefined,
  }),
  severityText: fc.option(textArb, { nil: undefined }),
  severityNumber: fc.option(fc.integer({ min: 0, max: 24 }), { nil: undefined }),
  body: fc.option(rawValueArb, { nil: undefined }),
  eventName: fc.option(textArb, { nil: undefined }),
  attributes: attributesArb,
  droppedAttributesCount: fc.nat(1000),
  resourceIndex: fc.nat(),
  scopeIndex: fc.nat(),
});

/** Log records over 1–2 resources and scopes, as SDK ReadableLogRecords plus their expected decoding. */
export const logBatchArb: fc.Arbitrary<{ logs: ReadableLogRecord[]; expected: OtlpLogRecord[] }> = fc
  .record({
    resources: fc.array(resourceArb, { minLength: 1, maxLength: 2 }),
    scopes: fc.array(scopeArb, { minLength: 1, maxLength: 2 }),
    logs: fc.array(rawLogArb, { minLength: 1, maxLength: 5 }),
  })
  .map(({ resources, scopes: rawScopes, logs: raw }) => {
    const scopes = rawScopes.map((s, i) => ({ ...s, name: `${s.name}#${i}` }));
    const expectedResources = resources.map((r): OtlpResource => ({
      attributes: expectedAttributes(r.attributes),
      droppedAttributesCount: 0,
      schemaUrl: r.schemaUrl ?? '',
    }));
    const expectedScopes = scopes.map((s): OtlpScope => ({
      name: s.name,
      version: s.version ?? '',
      attributes: expectedAttributes(s.attributes),
      droppedAttributesCount: 0,
      schemaUrl: s.schemaUrl ?? '',
    }));
    const keys = raw.map((r) => ({ resource: r.resourceIndex % resources.length, scope: r.scopeIndex % scopes.length }));
    const logs = raw.map(
      (r, i) =>
        ({ ...r, resource: resources[keys[i].resource], instrumentationScope: scopes[keys[i].scope] }) as unknown as ReadableLogRecord,
    );
    const expected = raw.map((r, i): OtlpLogRecord => ({
      timeUnixNano: hrToNanos(r.hrTime),
      observedTimeUnixNano: hrToNanos(r.hrTimeObserved),
      severityNumber: r.severityNumber ?? 0,
      severityText: r.severityText ?? '',
      body: expectedValue(r.body),
      attributes: expectedAttributes(r.attributes),
      droppedAttributesCount: r.droppedAttributesCount,
      flags: r.spanContext?.traceFlags ?? 0,
      traceId: r.spanContext?.traceId ?? '',
      spanId: r.spanContext?.spanId ?? '',
      eventName: r.eventName ?? '',
      resource: expectedResources[keys[i].resource],
      scope: expectedScopes[keys[i].scope],
    }));
    return { logs, expected: groupLikeSerializer(keys, expected).map(asDecoded) };
  });
