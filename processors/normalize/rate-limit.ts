// Rate-limit headroom from LiteLLM's `hidden_params.additional_headers` (success spans only,
// the only place LiteLLM reports them): four parsed ints `x_ratelimit_*`, plus, on newer versions, every provider
// header as `llm_provider-<name>` (OpenAI `x-ratelimit-*`, `retry-after`, Anthropic
// `anthropic-ratelimit-*`). Values are recorded as sent; interpretation is the classifier's.
import type { RateLimit } from '../../agent/core/model/llm-call.ts';
import type { AttributeValue } from '../../agent/core/model/otlp.ts';
import { isObject, readNumber, readString } from './attribute-readers.ts';

const PROVIDER_PREFIX = 'llm_provider-';

export function readRateLimit(additionalHeaders: AttributeValue | undefined, endMs: number): RateLimit | null {
  if (!isObject(additionalHeaders)) return null;
  const headers: Record<string, string> = {};
  let seen = false;
  for (const key in additionalHeaders) {
    seen = true;
    if (!key.startsWith(PROVIDER_PREFIX)) continue;
    const value = readString(additionalHeaders[key]);
    if (value !== null) headers[key.slice(PROVIDER_PREFIX.length).toLowerCase()] = value;
  }
  if (!seen) return null;
  return {
    limitRequests: headerNumber(
      additionalHeaders,
      headers,
      'x_ratelimit_limit_requests',
      'x-ratelimit-limit-requests',
      'anthropic-ratelimit-requests-limit',
    ),
    remainingRequests: headerNumber(
      additionalHeaders,
      headers,
      'x_ratelimit_remaining_requests',
      'x-ratelimit-remaining-requests',
      'anthropic-ratelimit-requests-remaining',
    ),
    resetRequests: headers['x-ratelimit-reset-requests'] ?? headers['anthropic-ratelimit-requests-reset'] ?? null,
    limitTokens: headerNumber(
      additionalHeaders,
      headers,
      'x_ratelimit_limit_tokens',
      'x-ratelimit-limit-tokens',
      'anthropic-ratelimit-tokens-limit',
    ),
    remainingTokens: headerNumber(
      additionalHeaders,
      headers,
      'x_ratelimit_remaining_tokens',
      'x-ratelimit-remaining-tokens',
      'anthropic-ratelimit-tokens-remaining',
    ),
    resetTokens: headers['x-ratelimit-reset-tokens'] ?? headers['anthropic-ratelimit-tokens-reset'] ?? null,
    retryAfterSec: retryAfterSeconds(headers['retry-after-ms'] ?? null, headers['retry-after'] ?? null, endMs),
    headers,
  };
}

/** LiteLLM's parsed int when present, else the first provider header that holds a number. */
function headerNumber(
  parsed: Record<string, AttributeValue>,
  headers: Record<string, string>,
  parsedKey: string,
  openAiHeader: string,
  anthropicHeader: string,
): number | null {
  return readNumber(parsed[parsedKey]) ?? readNumber(headers[openAiHeader]) ?? readNumber(headers[anthropicHeader]);
}

/** retry-after-ms wins; retry-after is seconds or an HTTP date (relative to the span's end). */
export function retryAfterSeconds(retryAfterMs: string | null, retryAfter: string | null, endMs: number): number | null {
  const ms = readNumber(retryAfterMs ?? undefined);
  if (ms !== null && ms >= 0) return ms / 1000;
  if (retryAfter === null) return null;
  const seconds = readNumber(retryAfter);
  if (seconds !== null) return seconds >= 0 ? seconds : null;
  const at = Date.parse(retryAfter);
  return Number.isNaN(at) ? null : Math.max(0, (at - endMs) / 1000);
}
