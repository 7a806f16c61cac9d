// Realistic OTLP requests from the official SDK and serializers: LiteLLM-style `litellm_request`
// spans (2–4 KB, ~30 attributes, JSON-string messages, 10% errors with an `exception` event) and
// GenAI log events. Deterministic for a given seed, so tests and benchmarks can share them.

import { SpanKind, SpanStatusCode, SeverityNumber, type HrTime } from '@opentelemetry/api';
import { JsonLogsSerializer, JsonTraceSerializer, ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type IdGenerator, type ReadableSpan } from '@opentelemetry/sdk-trace';

/** A small seeded PRNG (mulberry32): the same seed gives the same spans. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededIds(random: () => number): IdGenerator {
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  return { generateTraceId: () => hex(32), generateSpanId: () => hex(16) };
}

const BASE_TIME_SEC = 1_760_000_000;
const hrTime = (offsetMs: number): HrTime => [BASE_TIME_SEC + Math.floor(offsetMs / 1000), (offsetMs % 1000) * 1_000_000 + 123];

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-pro'];
const PROVIDERS = ['openai', 'openai', 'anthropic', 'vertex_ai'];
const PROMPTS = [
  'Summarise the attached incident report and list the three most likely root causes, citing the log lines that support each one.',
  'Write a SQL query that returns the ten customers with the highest lifetime value, excluding refunds, grouped by region.',
  'Translate the following paragraph into French, keeping product names and code identifiers unchanged.',
  'Explain the difference between at-least-once and exactly-once delivery in two short paragraphs.',
];

export interface GenAiSpanOptions {
  seed?: number;
  /** One span in `errorEvery` fails with status ERROR and an `exception` event. */
  errorEvery?: number;
}

/** `n` LiteLLM-style gateway spans as the SDK hands them to an exporter. */
export function makeGenAiSpans(n: number, options: GenAiSpanOptions = {}): ReadableSpan[] {
  const random = seededRandom(options.seed ?? 42);
  const errorEvery = options.errorEvery ?? 10;
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'litellm-proxy',
      'service.version': '1.74.3',
      'deployment.environment.name': 'production',
      'k8s.namespace.name': 'llm-gateway',
      'k8s.pod.name': 'litellm-proxy-7d9f8b6c5-x2k4q',
    }),
    idGenerator: seededIds(random),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('litellm', '1.74.3');
  for (let i = 0; i < n; i++) {
    const m = i % MODELS.length;
    const failed = errorEvery > 0 && i % errorEvery === errorEvery - 1;
    const startMs = i * 37;
    const span = tracer.startSpan('litellm_request', {
      kind: SpanKind.CLIENT,
      startTime: hrTime(startMs),
      attributes: genAiAttributes(i, m, failed, random),
    });
    if (failed) {
      span.recordException(
        {
          name: 'RateLimitError',
          message: `litellm.RateLimitError: ${PROVIDERS[m]}Exception - Rate limit reached for requests`,
          stack:
            'Traceback (most recent call last):\n  File "litellm/main.py", line 512, in acompletion\n    response = await init_response\nlitellm.exceptions.RateLimitError',
        },
        hrTime(startMs + 200),
      );
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end(hrTime(startMs + 200 + Math.floor(random() * 3000)));
  }
  return exporter.getFinishedSpans();
}

function genAiAttributes(i: number, m: number, failed: boolean, random: () => number) {
  const input = Math.floor(random() * 4000) + 50;
  const output = Math.floor(random() * 800) + 1;
  const prompt = PROMPTS[i % PROMPTS.length];
  const messages = [
    { role: 'system', content: 'You are a careful assistant for the platform team. Answer precisely and say when you are unsure.' },
    { role: 'user', content: `${prompt} Request ${i}.` },
  ];
  const attributes: Record<string, string | number | boolean | string[]> = {
    'gen_ai.system': PROVIDERS[m],
    'gen_ai.operation.name': 'chat',
    'gen_ai.request.model': MODELS[m],
    'llm.request.type': 'acompletion',
    'llm.is_streaming': 'False',
    'gen_ai.request.max_tokens': 1024,
    'gen_ai.request.temperature': 0.2,
    'gen_ai.request.top_p': 1,
    'server.address': 'api.openai.com',
    'server.port': 443,
    'gen_ai.input.messages': JSON.stringify(messages),
    'metadata.user_api_key_hash': 'b5a8e2f0c4d7' + i.toString(16).padStart(52, '0'),
    'metadata.user_api_key_alias': 'team-search-prod',
    'metadata.user_api_key_team_id': 'team-42',
    'metadata.user_api_key_user_id': `user-${i % 17}`,
    'metadata.requester_ip_address': '10.12.4.87',
    'metadata.tags': ['prod', 'search'],
    'metadata.model_group': MODELS[m],
    'metadata.deployment': `${PROVIDERS[m]}/${MODELS[m]}`,
    'metadata.api_base': 'https://api.openai.com/v1',
    hidden_params: JSON.stringify({
      model_id: `deployment-${m}`,
      cache_key: null,
      api_base: 'https://api.openai.com/v1',
      response_cost: 0.00042,
      litellm_overhead_time_ms: 3.1,
    }),
  };
  if (failed) {
    attributes['error.type'] = 'RateLimitError';
    attributes['error.code'] = '429';
    attributes['error.message'] = 'Rate limit reached for requests. Limit: 10000 / min. Please try again in 6ms.';
  } else {
    const completion = [{ role: 'assistant', finish_reason: 'stop', content: answerOf(i) }];
    Object.assign(attributes, {
      'gen_ai.output.messages': JSON.stringify(completion),
      'gen_ai.response.id': `chatcmpl-${i.toString(36).padStart(10, 'x')}`,
      'gen_ai.response.model': `${MODELS[m]}-2024-08-06`,
      'gen_ai.response.finish_reasons': '["stop"]',
      'gen_ai.usage.input_tokens': input,
      'gen_ai.usage.output_tokens': output,
      'gen_ai.usage.total_tokens': input + output,
      'gen_ai.usage.cache_read.input_tokens': Math.floor(input / 4),
      'gen_ai.cost.input_cost': input * 2.5e-6,
      'gen_ai.cost.output_cost': output * 1e-5,
      'gen_ai.cost.total_cost': input * 2.5e-6 + output * 1e-5,
    });
  }
  return attributes;
}

const ANSWER_SENTENCES = [
  'The nearest store opens at nine on weekdays and at ten on Saturdays.',
  'Your parcel left the regional depot this morning and should arrive tomorrow.',
  'The invoice lists two items, and the second one was refunded last week.',
  'A password reset link is valid for thirty minutes after it is sent.',
  'The premium plan adds priority support and a longer history of saved reports.',
  'Returns are accepted within a month if the item is unused and in its box.',
  'The meeting room on the third floor seats twelve people and has a projector.',
  'Exports run every night, so the dashboard shows figures up to yesterday.',
];

/** An ordinary answer of about a hundred words, different for each request (no sentence twice). */
const answerOf = (i: number): string =>
  Array.from({ length: 6 }, (_, k) => ANSWER_SENTENCES[(i + k * 3) % ANSWER_SENTENCES.length]).join(' ') + ` (Request ${i}.)`;

/** GenAI log events (`gen_ai.user.message` / `gen_ai.choice`) correlated with spans. */
export function makeGenAiLogRecords(n: number, seed = 7): ReadableLogRecord[] {
  const random = seededRandom(seed);
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'chat-app' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('@opentelemetry/instrumentation-openai', '0.22.0');
  for (let i = 0; i < n; i++) {
    const choice = i % 2 === 1;
    logger.emit({
      eventName: choice ? 'gen_ai.choice' : 'gen_ai.user.message',
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      timestamp: hrTime(i * 11),
      observedTimestamp: hrTime(i * 11 + 1),
      body: choice
        ? { index: 0, finish_reason: 'stop', message: { content: `Answer ${Math.floor(random() * 1e6)}` } }
        : { content: PROMPTS[i % PROMPTS.length] },
      attributes: { 'gen_ai.system': 'openai', 'event.name': choice ? 'gen_ai.choice' : 'gen_ai.user.message' },
    });
  }
  return exporter.getFinishedLogRecords();
}

function serialized(bytes: Uint8Array | undefined): Uint8Array {
  if (!bytes) throw new Error('the OTLP serializer returned nothing');
  return bytes;
}

export const serializeTracesProtobuf = (spans: ReadableSpan[]): Uint8Array => serialized(ProtobufTraceSerializer.serializeRequest(spans));
export const serializeTracesJson = (spans: ReadableSpan[]): Uint8Array => serialized(JsonTraceSerializer.serializeRequest(spans));
export const serializeLogsProtobuf = (logs: ReadableLogRecord[]): Uint8Array => serialized(ProtobufLogsSerializer.serializeRequest(logs));
export const serializeLogsJson = (logs: ReadableLogRecord[]): Uint8Array => serialized(JsonLogsSerializer.serializeRequest(logs));

/** An ExportTraceServiceRequest of `n` GenAI spans in both encodings. */
export function genAiTraceRequest(
  n: number,
  options: GenAiSpanOptions = {},
): { spans: ReadableSpan[]; protobuf: Uint8Array; json: Uint8Array } {
  const spans = makeGenAiSpans(n, options);
  return { spans, protobuf: serializeTracesProtobuf(spans), json: serializeTracesJson(spans) };
}
