// The order detectors run in for one item. An LLM call's failure gets one verdict: the gateway's
// own rules first (a LiteLLM "No healthy deployment" is a 429 too, but not the provider's),
// then its provider family's, then the generic status/class/message rules only when neither
// found anything. Additive checks follow: a content_filter finish, the security checks on captured
// content (whatever the outcome, so a failed call can carry an injection too), rate-limit headroom
// (inside the family detectors, successful calls only), and evidence added to whatever was found.
import type { LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import { detectAnthropic, withThinkingTokens } from './anthropic.ts';
import type { DetectorSettings } from './config.ts';
import { detectGatewayCall, detectGatewayRequest, detectGuardrail, withRetries } from './gateway.ts';
import { detectGemini } from './gemini.ts';
import { detectGeneric } from './generic.ts';
import { detectOpenAi } from './openai.ts';
import { detectSafetyFinish } from './safety-block.ts';
import { detectSecurity } from './security/detect-security.ts';

export function detectItem(item: TelemetryItem, settings: DetectorSettings): Signal[] {
  switch (item.kind) {
    case 'llm':
      return detectLlmCall(item, settings);
    case 'guardrail':
      return settings.families.gateway ? detectGuardrail(item) : [];
    case 'gateway_request':
      return settings.families.gateway ? withRetries(item, detectGatewayRequest(item)) : [];
    default:
      return [];
  }
}

export function detectLlmCall(call: LlmCall, settings: DetectorSettings): Signal[] {
  const family = settings.familyOf(call.provider);
  let signals: Signal[] = settings.families.gateway ? detectGatewayCall(call) : [];
  if (signals.length === 0) {
    if (family === 'openai') signals = detectOpenAi(call, settings);
    else if (family === 'anthropic') signals = detectAnthropic(call, settings);
    else if (family === 'gemini') signals = detectGemini(call);
  }
  if (call.outcome === 'error' && signals.length === 0) signals = detectGeneric(call);
  signals.push(...detectSafetyFinish(call));
  if (settings.security !== null && call.content !== null) signals.push(...detectSecurity(call, settings.security));
  if (settings.families.gateway) signals = withRetries(call, signals);
  if (family === 'anthropic') signals = withThinkingTokens(call, signals);
  return signals;
}
