// fast-check arbitraries for the semantic fuzz: well-formed OTLP requests built from real span
// shapes (every vocabulary's fixtures, the labelled set, the simulator's renderers), whose GenAI
// attributes and span fields are then mutated the ways real emitters and hostile senders get them
// wrong: wrong types, extremes, huge strings, broken embedded JSON and Python literals, deep
// nesting, NUL and lone surrogates, impossible times, self-parents, duplicate ids, huge traces.
import fc from 'fast-check';
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpSpan } from '../../../agent/core/model/otlp.ts';
import { fixtureLogRecords, fixtureSpans, labelledSetSpans, simulatedSpans } from '../../support/fixture-corpus.ts';

/** One request's worth of real spans: a trace (or a slice of one) from the corpus. */
export interface Shape {
  spans: readonly OtlpSpan[];
}

const MAX_SHAPE_SPANS = 12;

function tracesOf(spans: readonly OtlpSpan[]): Shape[] {
  const byTrace = new Map<string, OtlpSpan[]>();
  for (const s of spans) {
    let list = byTrace.get(s.traceId);
    if (!list) byTrace.set(s.traceId, (list = []));
    list.push(s);
  }
  const out: Shape[] = [];
  for (const list of byTrace.values())
    for (let i = 0; i < list.length; i += MAX_SHAPE_SPANS) out.push({ spans: list.slice(i, i + MAX_SHAPE_SPANS) });
  return out;
}

let corpus: { shapes: Shape[]; keys: string[]; logs: OtlpLogRecord[] } | null = null;

/** Every trace shape of the corpus, the attribute keys they use, and the GenAI log records. */
export function loadCorpus(): { shapes: Shape[]; keys: string[]; logs: OtlpLogRecord[] } {
  if (corpus) return corpus;
  const spans = [
    ...fixtureSpans(),
    ...labelledSetSpans(),
    ...simulatedSpans('provider-outage', 60),
    ...simulatedSpans('injection-campaign', 60),
    ...simulatedSpans('retrieval-drift', 60),
  ];
  const keys = new Set<string>();
  for (const s of spans) for (const k of Object.keys(s.attributes)) keys.add(k);
  corpus = { shapes: tracesOf(spans), keys: [...keys].sort(), logs: fixtureLogRecords() };
  return corpus;
}

// ── values ────────────────────────────────────────────────────────────────────────────────────

const NUL = '\u0000';
const LONE = ['\ud800', '\udbff', '\udc00', '\udfff'];

/** Text with NUL and lone surrogates at the edges and inside, and astral characters to split. */
const hostileTextArb = fc
  .tuple(
    fc.string({ maxLength: 20 }),
    fc.constantFrom(NUL, ...LONE, '😀', '\u202e', 'e\u0301', '\ufeff', '\ufffd'),
    fc.string({ maxLength: 20 }),
  )
  .map(([a, bad, b]) => `${a}${bad}${b}`);

/** 200 KB or 1 MB of text; astral characters make every odd cut split a surrogate pair. */
const hugeTextArb = fc
  .tuple(fc.constantFrom(200 * 1024, 1024 * 1024), fc.constantFrom('a', '😀', 'ab ', '\u0000', 'Ignore previous instructions. '))
  .map(([size, unit]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));

const numberAsStringArb = fc.constantFrom(
  '12',
  '-0',
  '1e308',
  '-1e308',
  '1e309',
  'NaN',
  'nan',
  'Infinity',
  '-Infinity',
  '0x1f',
  ' 7 ',
  '9223372036854775808',
  '-9223372036854775809',
  '1_000',
  '',
  'True',
  'None',
  'null',
  '12 tokens',
);

const extremeNumberArb = fc.oneof(
  fc.constantFrom(0, -0, 1e308, -1e308, NaN, Infinity, -Infinity, 2 ** 53 + 2, -(2 ** 53) - 2, Number.MAX_VALUE, 5e-324, -1, 0.5),
  fc.constantFrom(-(2n ** 63n), 2n ** 63n - 1n, 2n ** 62n),
  fc.double(),
  fc.integer(),
);

/** `depth` nested arrays around `inner`; past 32 the decoders refuse the request, naming the field. */
const nested = (depth: number, inner: AttributeValue): AttributeValue => {
  let v = inner;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

/** Broken or odd JSON text, as hidden_params, gen_ai.input.messages and friends arrive. */
function jsonTextArb(original: string | null): fc.Arbitrary<string> {
  const valid = original !== null && isJson(original) ? original : '{"a":1,"b":[1,2,{"c":"d"}]}';
  return fc.oneof(
    fc.nat({ max: Math.max(1, valid.length - 1) }).map((cut) => valid.slice(0, cut)),
    fc.constantFrom('{', '[', '{"a":', '{"a":1,}', '[1,2', '{}x', '{"a":"\\u00"}', 'null', '[]', '{}', '"just a string"'),
    fc.constantFrom(5_000, 100_000).map((d) => `${'['.repeat(d)}${']'.repeat(d)}`),
    fc.constantFrom(5_000).map((d) => `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`),
    fc.constant(`{"model_id":"\\u0000","api_base":"https://x\\ud800","__proto__":{"response_cost":1},"additional_headers":[1,2]}`),
    fc.constant(`[{"role":"user\\u0000","parts":[{"type":"text","content":"\\ud800\\udc00\\udfff"}]},{"role":7,"parts":"x"},null,[[]]]`),
    fc.constant(
      `{"response_cost":"NaN","litellm_overhead_time_ms":1e400,"additional_headers":{"x_ratelimit_remaining_requests":"-1e308"}}`,
    ),
    jsonValueArb.map((v) => JSON.stringify(v)),
  );
}

const isJson = (s: string): boolean => {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
};

const jsonLeafArb = fc.oneof(
  fc.string({ maxLength: 12 }),
  hostileTextArb,
  numberAsStringArb,
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const jsonValueArb: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    jsonLeafArb,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(fc.constantFrom('role', 'content', 'parts', 'type', 'model_id', 'prompt_tokens', '__proto__'), fc.string({ maxLength: 8 })),
      tie('v'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).v;

/** LiteLLM's Python repr (metadata.usage_object), broken in the ways str() output gets broken. */
const pythonTextArb = fc.oneof(
  fc.constantFrom(
    "{'prompt_tokens': 12, 'completion_tokens': ",
    "{'prompt_tokens': '12', 'completion_tokens': [9], 'total_tokens': {'x': None}}",
    "{'prompt_tokens': -1e308, 'completion_tokens': nan, 'total_tokens': inf}",
    "{'__proto__': {'prompt_tokens': 5}, 'completion_tokens': 1}",
    "{'a': 'bad\\x00byte', 'b': '\\ud800', 'c': '\\U0010ffff', 'd': '\\U00110000'}",
    'Usage(prompt_tokens=3, completion_tokens=None, details=PromptTokensDetails(cached_tokens=True))',
    "{'prompt_tokens': 9223372036854775808, 'completion_tokens': 0x10, 'total_tokens': 1_0}",
    '<litellm.Usage object at 0x7f>',
  ),
  fc.constantFrom(64, 5_000).map((d) => `${"{'a': ".repeat(d)}1${'}'.repeat(d)}`),
);

/** A replacement for one attribute's value, given what it was. */
export function valueArb(original: AttributeValue | undefined): fc.Arbitrary<AttributeValue> {
  const text = typeof original === 'string' ? original : null;
  const embedded = text !== null && (text.startsWith('{') || text.startsWith('['));
  const python = text !== null && text.startsWith("{'");
  const leaf = fc.oneof(fc.string({ maxLength: 16 }), hostileTextArb, numberAsStringArb, extremeNumberArb, fc.boolean(), fc.constant(null));
  return fc.oneof(
    { weight: 12, arbitrary: numberAsStringArb },
    { weight: 12, arbitrary: extremeNumberArb },
    { weight: 12, arbitrary: hostileTextArb },
    { weight: 8, arbitrary: fc.array(leaf, { maxLength: 5 }) },
    { weight: 8, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), leaf, { maxKeys: 4 }) },
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    { weight: 4, arbitrary: fc.boolean() },
    { weight: 4, arbitrary: fc.constant(null) },
    { weight: embedded ? 24 : 8, arbitrary: jsonTextArb(text) },
    { weight: python ? 24 : 4, arbitrary: pythonTextArb },
    { weight: 4, arbitrary: fc.constantFrom(20, 40).map((d) => nested(d, 'deep')) },
    // Rare (about one request in twenty carries one): they are the slow cases.
    { weight: 1, arbitrary: hugeTextArb },
  );
}

/** Keys the readers turn into identifiers, numbers, errors and content: the most sensitive ones. */
const HOT_KEYS = [
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.system',
  'gen_ai.provider.name',
  'gen_ai.operation.name',
  'llm.request.type',
  'llm.model_name',
  'llm.provider',
  'llm.system',
  'litellm.model_group',
  'litellm.call_id',
  'gen_ai.response.id',
  'metadata.user_api_key_team_id',
  'metadata.user_api_key_team_alias',
  'metadata.user_api_key_user_id',
  'metadata.user_api_key_end_user_id',
  'metadata.user_api_key_alias',
  'metadata.user_api_key_request_route',
  'litellm.team.id',
  'http.route',
  'url.path',
  'user.id',
  'enduser.id',
  'session.id',
  'tag.tags',
  'metadata.tags',
  'error.type',
  'error.message',
  'error.code',
  'error.llm_provider',
  'http.response.status_code',
  'gen_ai.response.finish_reasons',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.total_tokens',
  'gen_ai.usage.cache_read.input_tokens',
  'gen_ai.cost.total_cost',
  'gen_ai.request.max_tokens',
  'gen_ai.request.temperature',
  'gen_ai.request.stream',
  'llm.is_streaming',
  'hidden_params',
  'metadata.usage_object',
  'metadata.applied_guardrails',
  'gen_ai.input.messages',
  'gen_ai.output.messages',
  'gen_ai.system_instructions',
  'gen_ai.output.type',
  'llm.invocation_parameters',
  'llm.token_count.prompt',
  'input.value',
  'output.value',
  'openinference.span.kind',
  'gen_ai.data_source.id',
  'db.collection.name',
  'gen_ai.retrieval.documents',
  'gen_ai.retrieval.query.text',
  'guardrail_name',
  'guardrail_status',
  'faultline.ingestion.status',
  'gen_ai.evaluation.score.value',
];

// ── cases ─────────────────────────────────────────────────────────────────────────────────────

export type TimeMutation = 'none' | 'ends_before_start' | 'zero' | 'far_future' | 'max_u64';
export type TreeMutation = 'none' | 'self_parent' | 'parent_cycle' | 'duplicate_span_id' | 'orphan';

export interface SpanMutation {
  /** Index into the shape's spans (modulo its length). */
  span: number;
  /** Attribute key → new value; a key from the corpus vocabulary may be new to this span. */
  attributes: [string, AttributeValue][];
  time: TimeMutation;
  statusMessage: string | null;
  /** A new span name (names decide which vocabulary reads a span). */
  name: string | null;
  /** Replaces the exception event's attributes' values. */
  exception: AttributeValue | null;
}

export interface FuzzCase {
  shape: number;
  /** Resource attributes (service.name, k8s.*) replaced or added on a copy of the resource. */
  resource: [string, AttributeValue][];
  encoding: 'json' | 'protobuf';
  mutations: SpanMutation[];
  tree: TreeMutation;
  /** Copies of the first span under one trace: 0, or 10,000 for a huge trace. */
  repeat: number;
  /** Also send the corpus's GenAI log records for this trace, bodies mutated. */
  logs: AttributeValue[] | null;
}

/** `arb` one time in `n`, null otherwise. */
const oneIn = <T>(n: number, arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> =>
  fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

export function fuzzCaseArb(): fc.Arbitrary<FuzzCase> {
  const { shapes, keys } = loadCorpus();
  // Half the time a key every vocabulary's readers look at (a random corpus key is mostly content).
  const keyArb = fc.oneof(fc.constantFrom(...HOT_KEYS), fc.constantFrom(...keys));
  const mutationArb: fc.Arbitrary<SpanMutation> = fc.record({
    span: fc.nat(),
    attributes: fc.array(
      keyArb.chain((key) => valueArb(undefined).map((value): [string, AttributeValue] => [key, value])),
      { maxLength: 4 },
    ),
    time: fc.oneof(
      { weight: 12, arbitrary: fc.constant<TimeMutation>('none') },
      { weight: 1, arbitrary: fc.constantFrom<TimeMutation>('ends_before_start', 'zero', 'far_future', 'max_u64') },
    ),
    statusMessage: oneIn(
      4,
      fc.oneof(
        { weight: 4, arbitrary: hostileTextArb },
        { weight: 4, arbitrary: fc.string({ maxLength: 30 }) },
        { weight: 1, arbitrary: hugeTextArb },
      ),
    ),
    name: oneIn(20, fc.oneof(hostileTextArb, fc.constantFrom('litellm_request\u0000', 'chat \ud800', '', 'raw_gen_ai_request'))),
    exception: oneIn(6, valueArb(undefined)),
  });
  return fc.record({
    shape: fc.nat({ max: shapes.length - 1 }),
    resource: fc.array(
      fc
        .constantFrom('service.name', 'deployment.environment', 'k8s.namespace.name', 'k8s.pod.name', 'k8s.node.name')
        .chain((key) => valueArb(undefined).map((value): [string, AttributeValue] => [key, value])),
      { maxLength: 2 },
    ),
    encoding: fc.constantFrom<'json' | 'protobuf'>('json', 'protobuf'),
    mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
    tree: fc.oneof(
      { weight: 10, arbitrary: fc.constant<TreeMutation>('none') },
      { weight: 1, arbitrary: fc.constantFrom<TreeMutation>('self_parent', 'parent_cycle', 'duplicate_span_id', 'orphan') },
    ),
    repeat: fc.oneof({ weight: 1999, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(10_000) }),
    logs: oneIn(8, fc.array(valueArb(undefined), { minLength: 1, maxLength: 3 })),
  });
}

/**
 * Materializes `c` shifted to event time `nowMs`, with fresh ids from `runId` (the original
 * shapes are shared and never modified). Mutated keys are looked up on the original span so a
 * wrong type replaces a real value where the span has one.
 */
export function buildRequest(c: FuzzCase, runId: number, nowMs: number): { spans: OtlpSpan[]; logs: OtlpLogRecord[] } {
  const { shapes, logs: corpusLogs } = loadCorpus();
  const shape = shapes[c.shape];
  const traceId = hex(runId, 32);
  const ids = new Map<string, string>();
  const idOf = (old: string) => {
    if (old === '') return '';
    let id = ids.get(old);
    if (!id) ids.set(old, (id = hex(runId * 4096 + ids.size + 1, 16)));
    return id;
  };
  for (const s of shape.spans) idOf(s.spanId);
  const latestEnd = shape.spans.reduce((m, s) => (s.endTimeUnixNano > m ? s.endTimeUnixNano : m), 0n);
  const shift = BigInt(Math.round(nowMs)) * 1_000_000n - latestEnd;
  const at = (ns: bigint) => (ns === 0n ? 0n : ns + shift);
  const spans: OtlpSpan[] = shape.spans.map((s) => ({
    ...s,
    traceId,
    spanId: idOf(s.spanId),
    // A parent outside the shape stays a parent outside the request.
    parentSpanId: s.parentSpanId === '' ? '' : (ids.get(s.parentSpanId) ?? hex(runId * 4096 + 4095, 16)),
    startTimeUnixNano: at(s.startTimeUnixNano),
    endTimeUnixNano: at(s.endTimeUnixNano),
    attributes: { ...s.attributes },
    events: s.events.map((e) => ({ ...e, timeUnixNano: at(e.timeUnixNano), attributes: { ...e.attributes } })),
    status: { ...s.status },
  }));
  for (const m of c.mutations) {
    const s = spans[m.span % spans.length];
    for (const [key, value] of m.attributes) s.attributes[key] = value;
    applyTime(s, m.time);
    if (m.statusMessage !== null) s.status = { code: 2, message: m.statusMessage };
    if (m.name !== null) s.name = m.name;
    if (m.exception !== null) {
      const exception = s.events.find((e) => e.name === 'exception');
      const attrs: Attributes = { 'exception.type': m.exception, 'exception.message': m.exception };
      if (exception) Object.assign(exception.attributes, attrs);
      else s.events.push({ name: 'exception', timeUnixNano: s.endTimeUnixNano, attributes: attrs, droppedAttributesCount: 0 });
    }
  }
  if (c.resource.length > 0) {
    const resource = { ...spans[0].resource, attributes: { ...spans[0].resource.attributes, ...Object.fromEntries(c.resource) } };
    for (const s of spans) s.resource = resource;
  }
  applyTree(spans, c.tree);
  if (c.repeat > 0) {
    // 10,000 copies of a span of ordinary size: a megabyte attribute ten thousand times over is a
    // 10 GB trace, which no sender batches (and which the test process could not even encode).
    // Every text the copies carry is bounded: name, attributes, the status message and span events.
    const first = spans[0];
    const ordinary = (attrs: Attributes): Attributes =>
      Object.fromEntries(Object.entries(attrs).filter(([, v]) => typeof v !== 'string' || v.length <= 4096));
    const attributes = ordinary(first.attributes);
    const name = first.name.slice(0, 4096);
    const status = { ...first.status, message: first.status.message.slice(0, 4096) };
    const events = first.events.map((e) => ({ ...e, attributes: ordinary(e.attributes) }));
    for (let i = 0; i < c.repeat; i++)
      spans.push({ ...first, name, attributes, status, events, spanId: hex(runId * 65536 + 4096 + i, 16), parentSpanId: first.spanId });
  }
  const logs: OtlpLogRecord[] = [];
  if (c.logs !== null) {
    c.logs.forEach((body, i) => {
      const base = corpusLogs[i % corpusLogs.length];
      logs.push({
        ...base,
        traceId,
        spanId: spans[i % spans.length].spanId,
        body,
        timeUnixNano: BigInt(Math.round(nowMs)) * 1_000_000n,
        observedTimeUnixNano: BigInt(Math.round(nowMs)) * 1_000_000n,
      });
    });
  }
  return { spans, logs };
}

function applyTime(s: OtlpSpan, time: TimeMutation): void {
  switch (time) {
    case 'ends_before_start':
      [s.startTimeUnixNano, s.endTimeUnixNano] = [s.endTimeUnixNano + 1_000_000_000n, s.startTimeUnixNano];
      break;
    case 'zero':
      s.startTimeUnixNano = 0n;
      s.endTimeUnixNano = 0n;
      break;
    case 'far_future':
      // 9999-12-31: the last instant an RFC 3339 timestamp can hold.
      s.endTimeUnixNano = 253_402_300_799_000_000_000n;
      break;
    case 'max_u64':
      s.startTimeUnixNano = 2n ** 64n - 2n;
      s.endTimeUnixNano = 2n ** 64n - 1n;
      break;
    case 'none':
  }
}

function applyTree(spans: OtlpSpan[], tree: TreeMutation): void {
  const last = spans[spans.length - 1];
  switch (tree) {
    case 'self_parent':
      last.parentSpanId = last.spanId;
      break;
    case 'parent_cycle':
      if (spans.length > 1) {
        spans[0].parentSpanId = last.spanId;
        last.parentSpanId = spans[0].spanId;
      } else last.parentSpanId = last.spanId;
      break;
    case 'duplicate_span_id':
      spans.push({ ...spans[0], attributes: { ...spans[0].attributes }, name: spans[spans.length - 1].name });
      if (spans.length > 2) spans[1].spanId = spans[0].spanId;
      break;
    case 'orphan':
      last.parentSpanId = 'ffffffffffffffff';
      break;
    case 'none':
  }
}

function hex(n: number, width: number): string {
  // A fixed prefix keeps fuzz ids apart from every fixture's.
  const body = Math.floor(n).toString(16);
  return `f022${body.padStart(width - 4, '0')}`.slice(0, width);
}
