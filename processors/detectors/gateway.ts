// LiteLLM itself, whatever the provider: no healthy deployment, budget exceeded, the proxy's own
// auth refusing a key (security), the class names LiteLLM's exception mapping already decided
// (ContextWindowExceededError, ContentPolicyViolationError), guardrail interventions, and the
// "LiteLLM Retried: N times" count added to the evidence of whatever a call is flagged for.
//
// A provider's own 401 on an attempt (error.llm_provider set, or "OpenAIException - …" in the
// message) is left to the provider rules (auth_error); only the proxy's refusal is security.
// Gateway requests (the SERVER span) get signals only for what the proxy decided before or
// instead of any attempt (no deployment, budget, auth): provider failures are carried by their
// attempts, so a gateway span repeating them would count one failure twice. When the trace holds a
// failed attempt, the gateway's 401/403 is the provider's refusal passed on (v2 SERVER spans carry
// only the status), so only the proxy's explicit decisions are read there.
import type { EmbeddingCall, GatewayRequest, GuardrailCall, LlmCall, TelemetryItem } from '../../agent/core/model/llm-call.ts';
import type { Signal } from '../../agent/core/model/signal.ts';
import type { Subtype } from '../../agent/core/model/taxonomy.ts';
import { readErrorFacts, safeToken, type ErrorFacts } from './error-facts.ts';
import { anyOf, classRule, codeRule, firstFinding, mapFinding, patternRule, statusRule, type Rule } from './findings.ts';
import { budgetFromMessage, matchPattern } from './message-patterns.ts';
import { signalOf, withEvidence } from './signals.ts';

const noHealthyDeployment = patternRule('no_healthy_deployment', ['no_healthy_deployment']);

const budgetExceeded: Rule = mapFinding(
  anyOf(
    classRule('budget_exceeded', ['BudgetExceededError'], 'cost'),
    codeRule('budget_exceeded', ['budget_exceeded'], 'cost'),
    patternRule('budget_exceeded', ['budget_exceeded'], () => true, 'cost'),
  ),
  (found, facts) => {
    const { costUsd, budgetUsd } = budgetFromMessage(facts.text);
    const fields: Signal['fields'] = {};
    if (costUsd !== null) fields.cost_usd = costUsd;
    if (budgetUsd !== null) fields.budget_usd = budgetUsd;
    if (costUsd !== null && budgetUsd !== null) fields.overage_usd = Math.max(0, costUsd - budgetUsd);
    return { ...found, fields };
  },
);

const isProviderReported = (f: ErrorFacts): boolean => f.providerReported !== null || matchPattern(f.text, ['provider_prefix']) !== null;

const accessDenied = anyOf(
  codeRule('unauthorized_model_access', ['key_model_access_denied', 'team_model_access_denied', 'expired_key'], 'security'),
  patternRule('unauthorized_model_access', ['proxy_access_denied'], () => true, 'security'),
);
const proxyAuthMessage = patternRule('unauthorized_model_access', ['proxy_auth'], (f) => !isProviderReported(f), 'security');
/** On the gateway's own span, an auth refusal no provider reported is the proxy's. */
const proxyAuthStatus: Rule = (f) =>
  isProviderReported(f)
    ? null
    : anyOf(
        statusRule('unauthorized_model_access', [401, 403], 'security'),
        classRule('unauthorized_model_access', ['AuthenticationError', 'PermissionDeniedError', 'ProxyException'], 'security'),
      )(f);

// A budget breach is checked before "No deployments available": the router says both when a
// deployment's budget is crossed, and the budget is the cause.
const CALL_RULES: readonly Rule[] = [
  budgetExceeded,
  noHealthyDeployment,
  accessDenied,
  proxyAuthMessage,
  classRule('context_overflow', ['ContextWindowExceededError']),
  classRule('safety_block', ['ContentPolicyViolationError'], 'quality'),
];

const GATEWAY_REQUEST_RULES: readonly Rule[] = [budgetExceeded, noHealthyDeployment, accessDenied, proxyAuthMessage, proxyAuthStatus];
/** With a failed attempt in the trace: only what the proxy itself decided. */
const GATEWAY_AFTER_ATTEMPT_RULES: readonly Rule[] = [budgetExceeded, noHealthyDeployment, accessDenied];

export function detectGatewayCall(call: LlmCall | EmbeddingCall): Signal[] {
  return detectWith(call, CALL_RULES);
}

export function detectGatewayRequest(request: GatewayRequest, attemptFailed = false): Signal[] {
  return detectWith(request, attemptFailed ? GATEWAY_AFTER_ATTEMPT_RULES : GATEWAY_REQUEST_RULES);
}

function detectWith(item: TelemetryItem, rules: readonly Rule[]): Signal[] {
  if (item.outcome !== 'error') return [];
  const facts = readErrorFacts(item.error);
  const found = firstFinding(rules, facts);
  return found === null ? [] : [signalOf(item, facts, found)];
}

/** "LiteLLM Retried: N times, LiteLLM Max Retries: M", as normalize read it. */
export function withRetries(item: LlmCall | GatewayRequest, signals: readonly Signal[]): Signal[] {
  const { retries, maxRetries } = item.retry;
  if (signals.length === 0 || retries === null) return [...signals];
  return withEvidence(signals, maxRetries === null ? { retries } : { retries, max_retries: maxRetries });
}

// Guardrail violation categories → subtype. Security first; content-moderation categories
// (hate, violence, …) are a safety block, a quality failure, not an attack.
const GUARDRAIL_SUBTYPES: readonly (readonly [RegExp, 'security' | 'quality', Subtype])[] = [
  [/inject/i, 'security', 'prompt_injection'],
  [/jailbreak/i, 'security', 'jailbreak'],
  [/system[ _-]?prompt/i, 'security', 'system_prompt_leak'],
  [/secret|credential|api[ _-]?key|password|access[ _-]?token/i, 'security', 'secret_leakage'],
  [/pii|personal|e-?mail|phone|ssn|credit[ _-]?card|person|location|ip[ _-]?address|iban|passport/i, 'security', 'pii_leakage'],
  [/hate|violen|sexual|harass|self[ _-]?harm|toxic|profan|moderation|unsafe content/i, 'quality', 'safety_block'],
];

/**
 * A guardrail that intervened: one signal per distinct subtype its violation categories name.
 * With no category that maps, the guardrail's name is read the same way (lakera-prompt-injection,
 * presidio-pii); masked entities always count as PII; with nothing at all to go on, the
 * intervention is reported as prompt_injection at confidence 0.5 (most intervening input
 * guardrails are injection screens), with `unmapped: true` in evidence.
 */
export function detectGuardrail(g: GuardrailCall): Signal[] {
  const intervened = g.status === 'guardrail_intervened' || g.action?.toUpperCase() === 'GUARDRAIL_INTERVENED';
  if (!intervened) return [];
  const found = new Map<string, { category: 'security' | 'quality'; subtype: Subtype; confidence: number; matched: string }>();
  const add = (category: 'security' | 'quality', subtype: Subtype, confidence: number, matched: string) => {
    if (!found.has(`${category}/${subtype}`)) found.set(`${category}/${subtype}`, { category, subtype, confidence, matched });
  };
  for (const c of g.violationCategories) {
    const hit = GUARDRAIL_SUBTYPES.find(([re]) => re.test(c));
    if (hit) add(hit[1], hit[2], 1, `category:${safeToken(c) ?? hit[2]}`);
  }
  if ((g.maskedEntityCount ?? 0) > 0) add('security', 'pii_leakage', 1, 'masked_entities');
  if (found.size === 0 && g.name !== null) {
    const hit = GUARDRAIL_SUBTYPES.find(([re]) => re.test(g.name as string));
    if (hit) add(hit[1], hit[2], 0.8, 'guardrail_name');
  }
  let unmapped = false;
  if (found.size === 0) {
    unmapped = true;
    add('security', 'prompt_injection', 0.5, 'intervened');
  }
  const evidence: Record<string, unknown> = {
    guardrail: safeToken(g.name),
    mode: safeToken(g.mode),
    action: safeToken(g.action),
    violation_categories: g.violationCategories
      .map(safeToken)
      .filter((c) => c !== null)
      .slice(0, 10),
    masked_entity_count: g.maskedEntityCount,
  };
  if (unmapped) evidence.unmapped = true;
  return [...found.values()].map(({ category, subtype, confidence, matched }) => ({
    category,
    subtype,
    detection_method: 'guardrail',
    confidence,
    evidence: { rule: `guardrail:${matched}`, ...evidence },
    fields: category === 'security' ? { threat_type: subtype, blocked: true, matched_pattern: matched, confidence } : { confidence },
  }));
}
