// normalize: reads raw OTLP spans and log records in any GenAI vocabulary (LiteLLM default and v2
// engines, OTel GenAI ≤1.36 and ≥1.37, OpenInference, OpenLLMetry) into the shared model. Expects
// a receiver upstream; emits LlmCall/Retrieval/Embedding/Guardrail/Ingestion/GatewayRequest items
// on `calls` and ContentEvents on `content`. Non-GenAI spans and records are passed over.
import { defineProcessor } from '../../agent/core/component.ts';
import { createBatch } from '../../agent/core/model/batch.ts';
import type { ContentEvent, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { OtlpSpan } from '../../agent/core/model/otlp.ts';
import { NormalizeConfig, toSettings, type NormalizeSettings } from './config.ts';
import { RAW_REQUEST_SPAN_NAME, readContentEvent, readRawRequestEvent } from './content-events.ts';
import { readLlmCall } from './llm-span.ts';
import { recognizeSpan } from './recognize.ts';
import { readEmbeddingCall, readGatewayRequest, readGuardrailCall, readIngestionRun, readRetrievalCall } from './sibling-kinds.ts';

export default defineProcessor({
  type: 'normalize',
  description: 'Reads GenAI spans and log records of every supported vocabulary into normalized calls and content events.',
  configSchema: NormalizeConfig,
  create(config, ctx) {
    const settings = toSettings(config);
    return {
      process(batch) {
        if (batch.spans.length === 0 && batch.logs.length === 0) return batch;
        const calls: TelemetryItem[] = [...batch.calls];
        const content: ContentEvent[] = [...batch.content];
        let unreadable = 0;
        let lastError: unknown;
        for (const span of batch.spans) {
          // Bad input must never stop the pipeline: an unreadable span is passed over, and
          // reported once per batch rather than once per span.
          try {
            if (span.name === RAW_REQUEST_SPAN_NAME) {
              const event = settings.captureContent ? readRawRequestEvent(span) : null;
              if (event !== null) content.push(event);
              continue;
            }
            const item = normalizeSpan(span, settings);
            if (item !== null) calls.push(item);
          } catch (err) {
            unreadable++;
            lastError = err;
          }
        }
        if (unreadable > 0) ctx.logger.warn({ err: lastError, unreadable }, 'Passed over spans that could not be read.');
        if (settings.captureContent) {
          for (const record of batch.logs) {
            const event = readContentEvent(record, settings);
            if (event !== null) content.push(event);
          }
        }
        // Lanes normalize does not read pass through; spans and logs are consumed.
        return createBatch({ ...batch, spans: [], logs: [], calls, content });
      },
    };
  },
});

export function normalizeSpan(span: OtlpSpan, settings: NormalizeSettings): TelemetryItem | null {
  const recognized = recognizeSpan(span, settings.isIngestionSpanName);
  if (recognized === null) return null;
  const { kind, vocabulary } = recognized;
  switch (kind) {
    case 'llm':
      return readLlmCall(span, vocabulary, settings);
    case 'embedding':
      return readEmbeddingCall(span, vocabulary, settings);
    case 'retrieval':
      return readRetrievalCall(span, vocabulary, settings);
    case 'guardrail':
      return readGuardrailCall(span, vocabulary);
    case 'ingestion':
      return readIngestionRun(span, vocabulary);
    case 'gateway_request':
      return readGatewayRequest(span, vocabulary);
  }
}
