// A probe result as the span an instrumented client would have sent (OTel GenAI ≥1.37 names), so
// it goes through normalize, detectors and the baselines like any call. Marked synthetic: the
// tag "synthetic" (metadata.tags) and faultline.synthetic = true.
import { randomBytes } from 'node:crypto';
import { SpanKind, StatusCode, type Attributes, type OtlpResource, type OtlpScope, type OtlpSpan } from '../../core/model/otlp.ts';
import type { ProbeResult } from './probe-request.ts';

export const SYNTHETIC_TAG = 'synthetic';

const RESOURCE: OtlpResource = { attributes: { 'service.name': 'faultline-probe' }, droppedAttributesCount: 0, schemaUrl: '' };
const SCOPE: OtlpScope = { name: 'faultline.probe', version: '', attributes: {}, droppedAttributesCount: 0, schemaUrl: '' };

/** The provider a model name says, when the probe configuration does not. */
export function providerOfModel(model: string): string {
  const slash = model.indexOf('/');
  if (slash > 0) return model.slice(0, slash); // LiteLLM's provider/model form
  const m = model.toLowerCase();
  if (m.startsWith('claude')) return 'anthropic';
  if (/^(gpt|o[1-9]|chatgpt|text-embedding|davinci|babbage)/.test(m)) return 'openai';
  if (m.startsWith('gemini')) return 'gcp.gemini';
  if (/^(mistral|mixtral|codestral|ministral)/.test(m)) return 'mistral_ai';
  if (m.startsWith('command')) return 'cohere';
  if (m.startsWith('grok')) return 'x_ai';
  if (m.startsWith('deepseek')) return 'deepseek';
  return 'unknown';
}

export function probeSpan(r: ProbeResult, provider: string): OtlpSpan {
  const attributes: Attributes = {
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': provider,
    'gen_ai.request.model': r.model,
    'metadata.tags': [SYNTHETIC_TAG],
    'faultline.synthetic': true,
  };
  if (r.responseModel !== null) attributes['gen_ai.response.model'] = r.responseModel;
  if (r.responseId !== null) attributes['gen_ai.response.id'] = r.responseId;
  if (r.inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = r.inputTokens;
  if (r.outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = r.outputTokens;
  if (r.finishReason !== null) attributes['gen_ai.response.finish_reasons'] = [r.finishReason];
  if (r.status !== null) attributes['http.response.status_code'] = r.status;
  if (!r.ok) attributes['error.type'] = r.errorType ?? 'unknown';
  if (r.errorCode !== null) attributes['gen_ai.error.code'] = r.errorCode;
  if (r.retryAfterSec !== null) attributes['http.response.header.retry-after'] = [String(r.retryAfterSec)];
  const ns = (ms: number) => BigInt(Math.round(ms)) * 1_000_000n;
  return {
    traceId: randomBytes(16).toString('hex'),
    spanId: randomBytes(8).toString('hex'),
    parentSpanId: '',
    traceState: '',
    flags: 1,
    name: `chat ${r.model}`,
    kind: SpanKind.CLIENT,
    startTimeUnixNano: ns(r.startMs),
    endTimeUnixNano: ns(Math.max(r.endMs, r.startMs)),
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: r.ok
      ? { code: StatusCode.UNSET, message: '' }
      : { code: StatusCode.ERROR, message: r.status !== null ? `HTTP ${r.status} ${r.errorType ?? ''}`.trim() : (r.errorType ?? 'failed') },
    resource: RESOURCE,
    scope: SCOPE,
  };
}
