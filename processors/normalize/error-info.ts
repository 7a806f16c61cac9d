// What a span says about a failure, as facts: outcome, HTTP status, error code/class/message,
// the gateway-reported provider, exception events, and LiteLLM's retry count from the message.
// Interpreting them (an Anthropic 529 reported as 500 with `overloaded_error`) is the
// classifier's job, so nothing here rewrites a status.
import type { ErrorInfo, ExceptionInfo, RetryInfo } from '../../agent/core/model/llm-call.ts';
import { StatusCode, type Attributes, type OtlpSpan } from '../../agent/core/model/otlp.ts';
import { firstIdentifier, MAX_MESSAGE_CHARS, readIdentifier, readMessage, readNumber, truncate } from './attribute-readers.ts';
import { nanosToMs } from './span-basics.ts';

export interface Failure {
  outcome: 'ok' | 'error';
  /** null when the span is ok and recorded no exception. */
  error: ErrorInfo | null;
  retry: RetryInfo;
}

const CODE_KEYS = ['error.code', 'litellm.provider.error.code', 'gen_ai.error.code'] as const;
const PROVIDER_KEYS = ['error.llm_provider', 'litellm.provider.error.llm_provider'] as const;

const noRetry = (): RetryInfo => ({ retries: null, maxRetries: null, fallbacks: null });

export function readFailure(span: OtlpSpan): Failure {
  const attrs = span.attributes;
  const exceptions = readExceptions(span);
  const errorType = readIdentifier(attrs['error.type']);
  const statusAttr = readHttpStatusAttribute(attrs);
  const isError = span.status.code === StatusCode.ERROR || errorType !== null || (statusAttr !== null && statusAttr >= 400);
  if (!isError && exceptions.length === 0) return { outcome: 'ok', error: null, retry: noRetry() };

  const message =
    readMessage(attrs['error.message']) ??
    truncate(span.status.message || null, MAX_MESSAGE_CHARS) ??
    exceptions.find((e) => e.message !== null)?.message ??
    null;
  const code = firstIdentifier(attrs, CODE_KEYS);
  const error: ErrorInfo = {
    httpStatus:
      statusAttr ??
      httpStatusFromCode(code) ??
      leadingHttpStatus(span.status.message) ??
      leadingHttpStatus(message) ??
      leadingHttpStatus(exceptions[0]?.message ?? null),
    code,
    type: errorType ?? exceptions.find((e) => e.type !== null)?.type ?? null,
    message,
    provider: firstIdentifier(attrs, PROVIDER_KEYS),
    exceptions,
  };
  return {
    outcome: isError ? 'error' : 'ok',
    error,
    retry: readRetries([message, span.status.message, ...exceptions.map((e) => e.message)]),
  };
}

function readHttpStatusAttribute(attrs: Attributes): number | null {
  const n = readNumber(attrs['http.response.status_code']) ?? readNumber(attrs['http.status_code']);
  return n !== null && Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

function httpStatusFromCode(code: string | null): number | null {
  if (code === null || !/^[1-5]\d\d$/.test(code)) return null;
  const n = Number(code);
  return Number.isInteger(n) && n >= 100 && n <= 599 ? n : null;
}

const PYTHON_SDK_PREFIX = 'Error code: ';

/**
 * The status an SDK put at the front of its message: `429 Rate limit reached…` (openai-node)
 * or `Error code: 429 - {…}` (the Python openai and anthropic SDKs).
 */
export function leadingHttpStatus(message: string | null): number | null {
  if (message === null) return null;
  const at = message.startsWith(PYTHON_SDK_PREFIX) ? PYTHON_SDK_PREFIX.length : 0;
  if (message.length < at + 3) return null;
  const next = message.charCodeAt(at + 3);
  // Exactly three digits: followed by a space, a colon, or the end.
  if (!Number.isNaN(next) && next !== 0x20 && next !== 0x3a) return null;
  return httpStatusFromCode(message.slice(at, at + 3));
}

function readExceptions(span: OtlpSpan): ExceptionInfo[] {
  const out: ExceptionInfo[] = [];
  for (const e of span.events) {
    if (e.name !== 'exception') continue;
    out.push({
      type: classSuffix(readIdentifier(e.attributes['exception.type'])),
      message: readMessage(e.attributes['exception.message']),
      timeMs: nanosToMs(e.timeUnixNano),
    });
  }
  return out;
}

/** `litellm.exceptions.RateLimitError` → `RateLimitError`. */
export function classSuffix(type: string | null): string | null {
  if (type === null) return null;
  const dot = type.lastIndexOf('.');
  return dot >= 0 && dot < type.length - 1 ? type.slice(dot + 1) : type;
}

const RETRIED = 'LiteLLM Retried: ';
const MAX_RETRIES = 'LiteLLM Max Retries: ';

/** LiteLLM appends "LiteLLM Retried: N times, LiteLLM Max Retries: M" to every exception message. */
export function readRetries(messages: readonly (string | null)[]): RetryInfo {
  for (const m of messages) {
    if (!m) continue;
    const at = m.indexOf(RETRIED);
    if (at < 0) continue;
    const retries = parseInt(m.slice(at + RETRIED.length), 10);
    const maxAt = m.indexOf(MAX_RETRIES, at);
    const maxRetries = maxAt < 0 ? NaN : parseInt(m.slice(maxAt + MAX_RETRIES.length), 10);
    return {
      retries: Number.isNaN(retries) ? null : retries,
      maxRetries: Number.isNaN(maxRetries) ? null : maxRetries,
      fallbacks: null,
    };
  }
  return noRetry();
}
