// The order detectors run in for one item. A failed call or embedding gets one verdict: LiteLLM's
// own rules first (a "No healthy deployment" is a 429 too, but not the provider's), then the shared
// provider rules (message, then class, then status). Additive checks follow: a content_filter
// finish, the security checks on captured content (whatever the outcome, so a failed call can carry
// an injection too), rate-limit headroom (provider families, successful calls only), and evidence
// added to whatever was found. A gateway request (the proxy's SERVER span) whose trace holds a
// failed attempt leaves that failure to the attempt: the provider's own report explains it.
import type { EmbeddingCall, GatewayRequest, LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { detectAnthropicHeadroom, withThinkingTokens } from './anthropic.ts';
import type { DetectorSettings } from './config.ts';
import { detectGatewayCall, detectGatewayRequest, detectGuardrail, withRetries } from './gateway.ts';
import { detectProviderError } from './generic.ts';
import { detectOpenAiHeadroom } from './openai.ts';
import { detectSafetyFinish } from './safety-block.ts';
import { detectSecurity } from './security/detect-security.ts';

/** Traces in which an LLM call or an embedding failed: their gateway span only repeats it. */
export function tracesWithFailedAttempts(items: readonly TelemetryItem[]): Set<string> {
  const traces = new Set<string>();
  for (const item of items)
    if ((item.kind === 'llm' || item.kind === 'embedding') && item.outcome === 'error') traces.add(item.source.traceId);
  return traces;
}

export function detectItem(
  item: TelemetryItem,
  settings: DetectorSettings,
  failedAttemptTraces: ReadonlySet<string> = new Set(),
): Signal[] {
  switch (item.kind) {
    case 'llm':
      return detectLlmCall(item, settings);
    case 'embedding':
      return detectEmbeddingCall(item, settings);
    case 'guardrail':
      return settings.families.gateway ? detectGuardrail(item) : [];
    case 'gateway_request':
      return settings.families.gateway ? detectGatewayItem(item, failedAttemptTraces.has(item.source.traceId)) : [];
    default:
      return [];
  }
}

function detectGatewayItem(request: GatewayRequest, attemptFailed: boolean): Signal[] {
  return withRetries(request, detectGatewayRequest(request, attemptFailed));
}

export function detectLlmCall(call: LlmCall, settings: DetectorSettings): Signal[] {
  const family = settings.familyOf(call.provider);
  let signals: Signal[] = settings.families.gateway ? detectGatewayCall(call) : [];
  if (signals.length === 0) signals = detectProviderError(call);
  if (family === 'openai') signals.push(...detectOpenAiHeadroom(call, settings));
  else if (family === 'anthropic') signals.push(...detectAnthropicHeadroom(call, settings));
  signals.push(...detectSafetyFinish(call));
  if (settings.security !== null && call.content !== null) signals.push(...detectSecurity(call, settings.security));
  if (settings.families.gateway) signals = withRetries(call, signals);
  if (family === 'anthropic') signals = withThinkingTokens(call, signals);
  return signals;
}

/** A failed embeddings call (rate limit, quota, input over the model's limit) is judged like a chat call. */
export function detectEmbeddingCall(item: EmbeddingCall, settings: DetectorSettings): Signal[] {
  if (item.outcome !== 'error') return [];
  const gateway = settings.families.gateway ? detectGatewayCall(item) : [];
  return gateway.length > 0 ? gateway : detectProviderError(item);
}
