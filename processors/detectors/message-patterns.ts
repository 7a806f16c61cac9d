// Every message rule the detectors use, in one place, by name. A signal's evidence carries the
// pattern's name, never the text it matched. Confidence is per pattern: an exact gateway or
// provider string (`insufficient_quota`, `No healthy deployment available`) is near-certain, a
// loose phrase ("rate limit", "timed out") is a heuristic. The phrases are the provider's own
// (OpenAI, Azure, Anthropic, Gemini/Vertex, Bedrock, Mistral, Groq, DeepSeek, OpenRouter, xAI,
// Cohere, DashScope, Hugging Face, vLLM, Ollama, …) and those of the HTTP clients in between
// (httpx, aiohttp, urllib3, undici), which is where a connection failure is named.

export interface MessagePattern {
  readonly regex: RegExp;
  readonly confidence: number;
}

export const PATTERNS = {
  // Money or an allowance that no retry within minutes brings back: empty balance, billing,
  // spend and monthly caps, daily quotas, a quota of zero.
  openai_quota: {
    regex: /insufficient_quota|exceeded your current quota|billing_hard_limit_reached|billing_not_active|check your plan and billing/i,
    confidence: 0.95,
  },
  spend_limit: {
    regex:
      /enforced_spend_limit_reached|credit balance is too low|(?:spend(?:ing)?|usage|monthly) (?:limit|cap)\b|insufficient (?:account )?(?:balance|credits?|funds|quota)|(?:balance|credits?|funds) (?:is |are |has been |have been )?(?:insufficient|too low|exhausted|depleted)|requires more credits|more credits are required|can only afford|(?:used all available|run out of|out of|purchase more|add more) credits|Plans & Billing|payment required|Arrearage|account is in good standing|overdue payment|monthly (?:usage )?limit/i,
    confidence: 0.95,
  },
  daily_quota: {
    regex: /per ?day|PerDay|per_day|\b(?:TPD|RPD)\b|daily (?:limit|quota)|\blimit: 0\b|(?:per|\/) ?month\b/i,
    confidence: 0.9,
  },

  // Provider capacity: the provider is saturated, not the caller's allowance.
  overloaded: {
    regex:
      /overloaded|over capacity|at capacity|out of capacity|no capacity available|capacity_exhausted|flex tier capacity|high demand|server is busy|is currently loading/i,
    confidence: 0.9,
  },

  // Throttling (reference §4.2): per-minute limits, throttles, "too many requests/tokens, wait".
  rate_limit: {
    regex:
      /rate[ _-]?limit|too many requests|too many tokens, please wait|requests per min|tokens per min|\b[RT]PM\b|throttl|service tier capacity exceeded|resource (?:has been )?exhausted|RESOURCE_EXHAUSTED|quota exceeded/i,
    confidence: 0.8,
  },
  tokens_per_minute: { regex: /tokens per min|\bTPM\b|tokens_per_minute/i, confidence: 0.9 },
  requests_per_minute: { regex: /requests per min|\bRPM\b|requests_per_minute/i, confidence: 0.9 },

  // The request: too long for the model's context (input side only; a max_tokens too high for the
  // model's output is a bad request), unsupported or unknown model.
  context_overflow: {
    regex:
      /maximum context length|context[ _]length[ _]exceeded|context window|context limit|prompt is too long|input is too long|input token count.{0,40}exceeds|exceeds the maximum number of tokens|too many tokens in (?:batch|the request|input)|exceed n_ctx|your (?:messages|request) (?:resulted in|has) \d+ (?:input )?tokens|Request payload size exceeds/i,
    confidence: 0.9,
  },
  model_not_found: {
    regex: /model_not_found|model[`': ]+\S* does not exist|is not found for API version|not an available endpoint|model '[^']*' not found/i,
    confidence: 0.9,
  },

  // Credentials and permissions at the provider.
  auth: {
    regex:
      /incorrect api key|invalid (?:api[ _-]?key|x-api-key|api token|authentication)|api key not valid|invalid_api_key|authentication_error|authentication fails|no api key (?:provided|found)|api_key client option must be set|authorization required|\bunauthori[sz]ed\b|AccessDenied|don't have access to the model|PERMISSION_DENIED|permission denied|does not have required permission|has not been used in project|model access is denied|\b401 status code/i,
    confidence: 0.9,
  },

  // Content policy: the provider refused the content (a quality safety block, not an attack).
  safety: {
    regex:
      /content_filter|content management policy|ResponsibleAIPolicyViolation|content filtering policy|violating our usage policy|our safety system|content_policy_violation|The response was blocked/i,
    confidence: 0.95,
  },

  // The provider answered, but not with something the client could read.
  malformed_response: {
    regex:
      /Expecting value: line \d+|JSONDecodeError|unexpected end of JSON|invalid json (?:response|in|from)|Invalid JSON response|Unable to get json response|unable to parse (?:the )?response|not in expected format|Expected start of the object|Unexpected line format|invalid chunk|missing finish reason|Incomplete JSON|failed to parse (?:the )?(?:LLM |model )?response|Exception - '[A-Za-z_][A-Za-z0-9_]*'\s*$/im,
    confidence: 0.85,
  },

  // The wire: a read that waited too long, a connection that broke or never formed.
  // "timeout" alone is often a parameter's name ("Unrecognized request argument supplied: timeout").
  timeout: {
    regex:
      /timed out|deadline exceeded|\b(?:request|gateway|read|connect(?:ion)?|socket|upstream|idle)[ _-]?time-?out|time-?out (?:on|while|waiting|error|exceeded|after)|\w*Timeout(?:Error|Exception)?:|TimeoutError/i,
    confidence: 0.85,
  },
  connection: {
    regex:
      /connection error|connection (?:refused|reset|aborted|closed)|peer closed connection|incomplete chunked read|all connection attempts failed|cannot connect to host|no connection could be made|actively refused|max retries exceeded with url|SSLError|EOF occurred in violation of protocol|response payload is not completed|server disconnected|RemoteProtocolError|\bConnectError\b|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|socket hang up|getaddrinfo|name or service not known|network (?:error|is unreachable)|stream disconnected/i,
    confidence: 0.85,
  },

  // The provider's side failed. A 5xx only with what names it a status ("status 503", "500:",
  // "502 Bad Gateway"): a bare 500 is as often a token count or a limit.
  outage: {
    regex:
      /bad gateway|(?:status(?: code)?|error code|http(?: code)?|code)\W{0,3}50[0234]\b|\b50[0234](?::| (?:internal|bad|service|gateway|server))|internal server error|internalServerException|serviceUnavailableException|service unavailable|server had an error|server_error|unexpected error (?:during|while) processing|unable to process your request|under maintenance|error occurred while processing your request/i,
    confidence: 0.8,
  },

  // LiteLLM itself: the proxy's own refusals, not a provider's.
  no_healthy_deployment: { regex: /No healthy deployments? available|No deployments available/i, confidence: 0.95 },
  budget_exceeded: {
    regex:
      /Budget has been exceeded|ExceededBudget|exceeded (?:its |the |your )?(?:max )?budget|over budget|crossed budget|budget_exceeded|max budget reached|\bbudget\b[^\n]{0,60}?\bexceeded/i,
    confidence: 0.95,
  },
  proxy_access_denied: {
    regex: /key_model_access_denied|team_model_access_denied|not allowed to access model|expired_key/i,
    confidence: 0.95,
  },
  proxy_auth: {
    regex:
      /Authentication Error\b|Invalid proxy server token|LiteLLM Virtual Key|Expired Key|token_not_found_in_db|Malformed API Key passed in/i,
    confidence: 0.9,
  },
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

// "Please try again in 1.508s", "try again in 20ms", "retry in 6m0s", Gemini's "retryDelay": "7s",
// Azure's "Please retry after 60 seconds".
const RETRY_IN = /(?:try again|retry) in ((?:\d+h)?(?:\d+m(?!s))?(?:\d+(?:\.\d+)?(?:ms|s))?)/i;
const RETRY_DELAY = /retryDelay['"]?\s*[:=]\s*['"]?(\d+(?:\.\d+)?)s/i;
const RETRY_AFTER_SECONDS = /retry after (\d+(?:\.\d+)?) seconds?/i;

/** Seconds the message asks the client to wait, or null. */
export function retryAfterFromMessage(text: string): number | null {
  const delay = RETRY_DELAY.exec(text);
  if (delay) return Number(delay[1]);
  const after = RETRY_AFTER_SECONDS.exec(text);
  if (after) return Number(after[1]);
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
