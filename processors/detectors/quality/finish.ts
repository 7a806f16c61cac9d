// truncation and empty_response: facts of a successful call's ending. A `length` finish (or, with
// no finish reason at all, output tokens reaching max_tokens) is a truncation; zero output tokens,
// or captured output with no text, no tool call and no refusal, is an empty response. Safety
// blocks (content_filter) and tool-call endings are not empty: they end that way on purpose.
import type { LlmCall } from '../../../agent/core/model/llm-call.ts';

export interface EndingFinding {
  readonly subtype: 'truncation' | 'empty_response';
  readonly rule: string;
  readonly method: 'finish_reason' | 'token_count' | 'content';
  readonly confidence: number;
  readonly evidence: Record<string, unknown>;
}

export function findTruncation(call: LlmCall): EndingFinding | null {
  const evidence = { output_tokens: call.tokens.output, max_tokens: call.request.maxTokens };
  if (call.finishReasons.includes('length')) {
    return {
      subtype: 'truncation',
      rule: 'finish:length',
      method: 'finish_reason',
      confidence: 1,
      evidence: { ...evidence, finish_reasons_raw: rawReasons(call) },
    };
  }
  const { output } = call.tokens;
  const max = call.request.maxTokens;
  if (call.finishReasons.length === 0 && output !== null && max !== null && max > 0 && output >= max) {
    return { subtype: 'truncation', rule: 'tokens:max_tokens', method: 'token_count', confidence: 0.8, evidence };
  }
  return null;
}

export function findEmptyResponse(call: LlmCall): EndingFinding | null {
  if (call.finishReasons.includes('content_filter') || call.finishReasons.includes('tool_call')) return null;
  const content = call.content;
  const parts = content?.outputMessages.flatMap((m) => m.parts) ?? [];
  if (parts.some((p) => p.type === 'tool_call' || p.type === 'refusal')) return null;
  if (call.tokens.output === 0) {
    return {
      subtype: 'empty_response',
      rule: 'tokens:zero_output',
      method: 'token_count',
      confidence: 1,
      evidence: { output_tokens: 0, finish_reasons_raw: rawReasons(call) },
    };
  }
  // Only when the span captured the output side at all: no output messages means "not captured".
  if (content !== null && content.outputMessages.length > 0 && (content.outputText ?? '').trim() === '') {
    return {
      subtype: 'empty_response',
      rule: 'content:blank_output',
      method: 'content',
      confidence: 0.9,
      evidence: { output_tokens: call.tokens.output, output_messages: content.outputMessages.length, finish_reasons_raw: rawReasons(call) },
    };
  }
  return null;
}

const rawReasons = (call: LlmCall): string[] => call.finishReasonsRaw.filter((r) => /^[A-Za-z_]{1,40}$/.test(r)).slice(0, 8);
