// The official OpenTelemetry JS exporters (code this project did not write) talk to the receiver
// over every transport and encoding, with and without gzip, and their spans arrive intact.
import { SeverityNumber, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPLogExporter as HttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor, type LogRecordExporter } from '@opentelemetry/sdk-logs';
import { SimpleSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type ReceiverUnderTest } from './receiver-under-test.ts';

type Compression = 'none' | 'gzip';
// The exporters type `compression` as their own enum; its values are these strings.
const compressionOption = (c: Compression) => ({ compression: c }) as { compression: never };

const traceExporters: Record<string, (r: ReceiverUnderTest, c: Compression) => SpanExporter> = {
  'OTLP/HTTP protobuf (exporter-trace-otlp-proto)': (r, c) =>
    new ProtoTraceExporter({ url: `${r.httpUrl}/v1/traces`, ...compressionOption(c) }),
  'OTLP/HTTP JSON (exporter-trace-otlp-http)': (r, c) =>
    new HttpJsonTraceExporter({ url: `${r.httpUrl}/v1/traces`, ...compressionOption(c) }),
  'OTLP/gRPC (exporter-trace-otlp-grpc)': (r, c) => new GrpcTraceExporter({ url: `http://${r.grpcTarget}`, ...compressionOption(c) }),
};

const logExporters: Record<string, (r: ReceiverUnderTest, c: Compression) => LogRecordExporter> = {
  'OTLP/HTTP protobuf (exporter-logs-otlp-proto)': (r, c) => new ProtoLogExporter({ url: `${r.httpUrl}/v1/logs`, ...compressionOption(c) }),
  'OTLP/HTTP JSON (exporter-logs-otlp-http)': (r, c) => new HttpJsonLogExporter({ url: `${r.httpUrl}/v1/logs`, ...compressionOption(c) }),
};

let r: ReceiverUnderTest;
beforeAll(async () => {
  r = await startReceiver();
});
afterAll(() => r.stop());

/** Emits one GenAI chat span and one child tool span through a real SDK and the given exporter. */
async function sendGenAiSpans(exporter: SpanExporter) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'litellm-proxy' }),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('faultline-test', '1.2.3');
  const chat = tracer.startSpan('chat gpt-4o', {
    kind: SpanKind.CLIENT,
    attributes: {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1024,
      'gen_ai.request.temperature': 0.25,
      'gen_ai.response.finish_reasons': ['stop'],
      'error.type': 'RateLimitError',
    },
  });
  chat.setStatus({ code: SpanStatusCode.ERROR, message: 'rate limited' });
  chat.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': 'hi' });
  chat.end();
  await provider.forceFlush();
  await provider.shutdown();
  return chat.spanContext();
}

describe.each(['none', 'gzip'] as const)('traces, compression %s', (compression) => {
  it.each(Object.keys(traceExporters))('delivers the spans sent by %s', async (name) => {
    const before = r.sink.spans().length;
    const ids = await sendGenAiSpans(traceExporters[name](r, compression));

    const received = r.sink.spans().slice(before);
    expect(received).toHaveLength(1);
    const span = received[0];
    expect(span.traceId).toBe(ids.traceId);
    expect(span.spanId).toBe(ids.spanId);
    expect(span.name).toBe('chat gpt-4o');
    expect(span.kind).toBe(3); // SPAN_KIND_CLIENT on the wire
    expect(span.status).toEqual({ code: 2, message: 'rate limited' });
    expect(Number(span.attributes['gen_ai.usage.input_tokens'])).toBe(1024);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.25,
      'gen_ai.response.finish_reasons': ['stop'],
      'error.type': 'RateLimitError',
    });
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([['gen_ai.content.prompt', { 'gen_ai.prompt': 'hi' }]]);
    expect(span.resource.attributes['service.name']).toBe('litellm-proxy');
    expect(span.scope).toMatchObject({ name: 'faultline-test', version: '1.2.3' });
    expect(span.endTimeUnixNano >= span.startTimeUnixNano).toBe(true);
  });
});

describe.each(['none', 'gzip'] as const)('logs, compression %s', (compression) => {
  it.each(Object.keys(logExporters))('delivers the log records sent by %s', async (name) => {
    const before = r.sink.logs().length;
    const provider = new LoggerProvider({
      resource: resourceFromAttributes({ 'service.name': 'chat-app' }),
      processors: [new SimpleLogRecordProcessor({ exporter: logExporters[name](r, compression) })],
    });
    provider.getLogger('faultline-test').emit({
      eventName: 'gen_ai.client.inference.operation.details',
      severityNumber: SeverityNumber.INFO,
      body: { 'gen_ai.output.messages': 'hello' },
      attributes: { 'gen_ai.request.model': 'gpt-4o' },
    });
    await provider.forceFlush();
    await provider.shutdown();

    const received = r.sink.logs().slice(before);
    expect(received).toHaveLength(1);
    expect(received[0].eventName).toBe('gen_ai.client.inference.operation.details');
    expect(received[0].severityNumber).toBe(9);
    expect(received[0].body).toEqual({ 'gen_ai.output.messages': 'hello' });
    expect(received[0].attributes['gen_ai.request.model']).toBe('gpt-4o');
    expect(received[0].resource.attributes['service.name']).toBe('chat-app');
  });
});

describe('counters', () => {
  it('counts what the clients delivered, by transport', async () => {
    const before = r.receiver.stats();
    await sendGenAiSpans(traceExporters['OTLP/gRPC (exporter-trace-otlp-grpc)'](r, 'none'));
    await sendGenAiSpans(traceExporters['OTLP/HTTP protobuf (exporter-trace-otlp-proto)'](r, 'none'));
    const after = r.receiver.stats();
    expect(after.grpc.spans.accepted - before.grpc.spans.accepted).toBe(1);
    expect(after.http.spans.accepted - before.http.spans.accepted).toBe(1);
    expect(after.http.requests.succeeded - before.http.requests.succeeded).toBe(1);
  });
});
