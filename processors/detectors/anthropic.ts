// Anthropic: anthropic-ratelimit-* headroom (requests, tokens, input and output tokens) on
// successful calls. Extended thinking is billed as output, so its token count is added to the
// evidence of whatever the call is flagged for; it is not a failure by itself. Failures (529 and
// `overloaded_error` reported as 500, spend limits, credit balance) are read by the shared
// provider rules (generic.ts).
import type { LlmCall } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { DetectorSettings } from './config.ts';
import { headroomSignal, type HeadroomDimension } from './headroom.ts';
import { withEvidence } from './signals.ts';

const DIMENSIONS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

export function detectAnthropicHeadroom(call: LlmCall, settings: DetectorSettings): Signal[] {
  const rl = call.rateLimit;
  if (call.outcome !== 'ok' || rl === null) return [];
  const dimensions: HeadroomDimension[] = DIMENSIONS.map((d) => ({
    name: d.replace('-', '_'),
    remaining:
      headerNumber(rl.headers[`anthropic-ratelimit-${d}-remaining`]) ??
      (d === 'requests' ? rl.remainingRequests : d === 'tokens' ? rl.remainingTokens : null),
    limit:
      headerNumber(rl.headers[`anthropic-ratelimit-${d}-limit`]) ??
      (d === 'requests' ? rl.limitRequests : d === 'tokens' ? rl.limitTokens : null),
  }));
  return headroomSignal(call, dimensions, settings.headroomRatio, 'headers:anthropic-ratelimit');
}

/** Thinking tokens in the evidence of the call's signals; nothing when there are none. */
export function withThinkingTokens(call: LlmCall, signals: readonly Signal[]): Signal[] {
  const reasoning = call.tokens.reasoning;
  if (signals.length === 0 || reasoning === null || reasoning <= 0) return [...signals];
  const extra: Record<string, unknown> = { reasoning_tokens: reasoning };
  if (call.tokens.output !== null) extra.output_tokens = call.tokens.output;
  return withEvidence(signals, extra);
}

function headerNumber(value: string | undefined): number | null {
  if (value === undefined || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
