// A `content_filter` finish on any provider is a safety block (quality), whatever the span status:
// Gemini SAFETY/RECITATION/BLOCKLIST/PROHIBITED_CONTENT/SPII and prompt-level blockReason,
// Anthropic `refusal`, Bedrock `guardrail_intervened` all normalize to it (finish-reason.ts).
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { safeToken } from './error-facts.ts';

export function detectSafetyFinish(call: LlmCall): Signal[] {
  if (!call.finishReasons.includes('content_filter')) return [];
  const raw = call.finishReasonsRaw
    .map(safeToken)
    .filter((r): r is string => r !== null)
    .slice(0, 8);
  return [
    {
      category: 'quality',
      subtype: 'safety_block',
      detection_method: 'finish_reason',
      confidence: 1,
      evidence: { rule: 'finish:content_filter', finish_reasons_raw: raw, outcome: call.outcome },
      fields: { confidence: 1 },
    },
  ];
}
