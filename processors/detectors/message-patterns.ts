// Every message rule the detectors use, in one place, by name. A signal's evidence carries the
// pattern's name, never the text it matched. Confidence is per pattern: an exact gateway or
// provider string (`insufficient_quota`, `No healthy deployment available`) is near-certain, a
// loose phrase ("rate limit", "timed out") is a heuristic.

export interface MessagePattern {
  readonly regex: RegExp;
  readonly confidence: number;
}

export const PATTERNS = {
  // Throttling and quota, as providers and LiteLLM word them.
  rate_limit: {
    regex: /rate[ _-]?limit|too many requests|requests per min|tokens per min|\b[RT]PM\b|throttl|service tier capacity exceeded/i,
    confidence: 0.8,
  },
  openai_quota: {
    regex: /insufficient_quota|exceeded your current quota|billing_hard_limit_reached|billing_not_active|check your plan and billing/i,
    confidence: 0.95,
  },
  spend_limit: { regex: /enforced_spend_limit_reached|credit balance is too low|spend(?:ing)? limit/i, confidence: 0.95 },
  gemini_exhausted: {
    regex: /RESOURCE_EXHAUSTED|resource (?:has been )?exhausted|quota exceeded|temporarily out of capacity/i,
    confidence: 0.9,
  },
  gemini_daily_quota: { regex: /per ?day|PerDay|\blimit: 0\b/i, confidence: 0.9 },
  tokens_per_minute: { regex: /tokens per min|\bTPM\b/i, confidence: 0.9 },
  requests_per_minute: { regex: /requests per min|\bRPM\b/i, confidence: 0.9 },

  // Server side.
  overloaded: { regex: /overloaded|over capacity|at capacity|insufficient capacity/i, confidence: 0.9 },
  timeout: { regex: /timed out|timeout|deadline exceeded/i, confidence: 0.8 },
  connection: {
    regex:
      /connection error|connection (?:refused|reset|aborted|closed)|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|getaddrinfo|network error/i,
    confidence: 0.8,
  },
  malformed_response: {
    regex: /invalid response|unable to parse (?:the )?response|invalid json (?:in|from) (?:the )?response/i,
    confidence: 0.7,
  },

  // Request side.
  context_overflow: {
    regex:
      /maximum context length|context[ _]length[ _]exceeded|context window|exceeds the maximum number of tokens|prompt is too long|input is too long|too many tokens|input token count.{0,40}exceeds/i,
    confidence: 0.9,
  },
  gemini_payload_size: { regex: /Request payload size exceeds/i, confidence: 0.9 },
  gemini_response_blocked: { regex: /The response was blocked/i, confidence: 0.95 },

  // LiteLLM itself: the proxy's own refusals, not a provider's.
  no_healthy_deployment: { regex: /No healthy deployments? available|No deployments available/i, confidence: 0.95 },
  budget_exceeded: {
    regex: /Budget has been exceeded|ExceededBudget|exceeded (?:its|the|your) (?:max )?budget|over budget/i,
    confidence: 0.95,
  },
  proxy_access_denied: {
    regex: /key_model_access_denied|team_model_access_denied|not allowed to access model|expired_key/i,
    confidence: 0.95,
  },
  proxy_auth: { regex: /Authentication Error\b|Invalid proxy server token|LiteLLM Virtual Key|Expired Key/i, confidence: 0.9 },
  /** "OpenAIException - …", "AnthropicError - …", "vertex_aiException - …": the provider answered. */
  provider_prefix: { regex: /\b(?!Proxy)[A-Za-z_]+(?:Exception|Error) - /, confidence: 0.9 },
} as const satisfies Record<string, MessagePattern>;

export type PatternName = keyof typeof PATTERNS;

/** The first of `names` whose pattern matches `text`, or null. */
export function matchPattern(text: string, names: readonly PatternName[]): PatternName | null {
  if (text === '') return null;
  for (const name of names) if (PATTERNS[name].regex.test(text)) return name;
  return null;
}

// "Please try again in 1.508s", "try again in 20ms", "retry in 6m0s", Gemini's "retryDelay": "7s".
const RETRY_IN = /(?:try again|retry) in ((?:\d+h)?(?:\d+m(?!s))?(?:\d+(?:\.\d+)?(?:ms|s))?)/i;
const RETRY_DELAY = /retryDelay['"]?\s*[:=]\s*['"]?(\d+(?:\.\d+)?)s/i;

/** Seconds the message asks the client to wait, or null. */
export function retryAfterFromMessage(text: string): number | null {
  const delay = RETRY_DELAY.exec(text);
  if (delay) return Number(delay[1]);
  const m = RETRY_IN.exec(text);
  if (!m || m[1] === '') return null;
  let seconds = 0;
  for (const [, n, unit] of m[1].matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const v = Number(n);
    seconds += unit === 'h' ? v * 3600 : unit === 'm' ? v * 60 : unit === 'ms' ? v / 1000 : v;
  }
  return seconds;
}

// "Budget has been exceeded! Current cost: 10.5, Max budget: 10.0" and "Spend=12.3, Budget=10".
const CURRENT_COST = /(?:Current cost|Spend)\s*[:=]\s*\$?(\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;
const MAX_BUDGET = /(?:Max budget|Budget)\s*[:=]\s*\$?(\d+(?:\.\d+)?(?:e[-+]?\d+)?)/i;

export function budgetFromMessage(text: string): { costUsd: number | null; budgetUsd: number | null } {
  const cost = CURRENT_COST.exec(text);
  const budget = MAX_BUDGET.exec(text);
  return { costUsd: cost ? Number(cost[1]) : null, budgetUsd: budget ? Number(budget[1]) : null };
}
