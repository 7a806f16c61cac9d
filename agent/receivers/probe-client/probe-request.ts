// One synthetic request to an OpenAI-compatible chat endpoint (a LiteLLM proxy, or a provider
// directly): a tiny prompt, a few output tokens, timed from send to the last byte. What comes back
// is what a span needs: outcome, status, the error class and code a provider sends, tokens, the
// answering model. Message text is never kept: a provider's error can echo the request.
import { randomBytes } from 'node:crypto';

export interface ProbeTarget {
  /** Base URL (http://litellm:4000, https://api.openai.com/v1) or the full …/chat/completions URL. */
  url: string;
  model: string;
  apiKey: string | null;
  prompt: string;
  maxTokens: number;
  timeoutMs: number;
}

export interface ProbeResult {
  model: string;
  startMs: number;
  endMs: number;
  ok: boolean;
  /** HTTP status; null when no answer came (refused, timed out). */
  status: number | null;
  /** Error class: the provider's error.type, else timeout / connection_error / http_<status>. */
  errorType: string | null;
  /** The provider's error.code when it sent one (e.g. rate_limit_exceeded). */
  errorCode: string | null;
  retryAfterSec: number | null;
  inputTokens: number | null;
  outputTokens: number | null;
  responseModel: string | null;
  responseId: string | null;
  finishReason: string | null;
}

export function chatCompletionsUrl(base: string): string {
  const url = new URL(base);
  if (!/\/chat\/completions\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/$/, '')}/chat/completions`;
  return url.toString();
}

/** `now` stamps the start (the agent's clock); the duration is measured, whatever that clock does. */
export async function sendProbe(target: ProbeTarget, now: () => number = Date.now): Promise<ProbeResult> {
  const startMs = now();
  const began = performance.now();
  const elapsed = () => startMs + (performance.now() - began);
  const result: ProbeResult = {
    model: target.model,
    startMs,
    endMs: startMs,
    ok: false,
    status: null,
    errorType: null,
    errorCode: null,
    retryAfterSec: null,
    inputTokens: null,
    outputTokens: null,
    responseModel: null,
    responseId: null,
    finishReason: null,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-request-id': `probe-${randomBytes(8).toString('hex')}` };
  if (target.apiKey) headers.authorization = `Bearer ${target.apiKey}`;
  try {
    const res = await fetch(chatCompletionsUrl(target.url), {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: target.model, messages: [{ role: 'user', content: target.prompt }], max_tokens: target.maxTokens }),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const text = await res.text();
    result.endMs = elapsed();
    result.status = res.status;
    const retryAfter = Number(res.headers.get('retry-after'));
    if (Number.isFinite(retryAfter) && retryAfter >= 0 && res.headers.has('retry-after')) result.retryAfterSec = retryAfter;
    const body = parseJson(text);
    if (res.ok) {
      result.ok = true;
      const usage = field(body, 'usage');
      result.inputTokens = count(field(usage, 'prompt_tokens'));
      result.outputTokens = count(field(usage, 'completion_tokens'));
      result.responseModel = token(field(body, 'model'));
      result.responseId = token(field(body, 'id'));
      const choices = field(body, 'choices');
      result.finishReason = Array.isArray(choices) ? token(field(choices[0], 'finish_reason')) : null;
    } else {
      const error = field(body, 'error');
      result.errorType = token(field(error, 'type')) ?? `http_${res.status}`;
      result.errorCode = token(field(error, 'code'));
    }
  } catch (err) {
    result.endMs = elapsed();
    const name = (err as Error).name;
    result.errorType = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'connection_error';
  }
  return result;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const field = (o: unknown, key: string): unknown => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined);
const count = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : null);
/** Only identifier-like strings (ids, types, codes): never free text from the other side. */
const token = (v: unknown): string | null =>
  typeof v === 'string' && /^[A-Za-z0-9_.:\-/]{1,100}$/.test(v) ? v : typeof v === 'number' ? String(v) : null;
