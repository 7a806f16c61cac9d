// What one simulated client request turned out to be, before it is rendered as spans in an
// engine's shapes: who sent it, what it asked, each attempt the gateway made (retries and
// fallbacks are separate attempts), and what the proxy itself decided.
import type { ModelSpec } from './price-table.ts';

export interface Team {
  id: string;
  alias: string;
  keys: { alias: string; hash: string }[];
  maxBudgetUsd: number | null;
}

export interface ErrorShape {
  status: number;
  /** LiteLLM exception class (error.type). */
  type: string;
  /** error.message as LiteLLM writes it, without the retry suffix. */
  message: string;
  /** error.code when it differs from the status (e.g. LiteLLM maps 529 to 500). */
  code: string;
}

export interface RateLimitHeaders {
  limitRequests: number;
  remainingRequests: number;
  limitTokens: number;
  remainingTokens: number;
  /** Seconds until the used requests / tokens are back (a bucket refilling at limit per minute). */
  resetRequestsSecs: number;
  resetTokensSecs: number;
}

export interface Attempt {
  spanId: string;
  spec: ModelSpec;
  startMs: number;
  durationMs: number;
  error: ErrorShape | null;
  inputTokens: number;
  outputTokens: number;
  responseModel: string;
  finishReason: 'stop' | 'length' | 'content_filter';
  /** null: no text (errors, safety blocks). */
  outputText: string | null;
  /** The online evaluator's faithfulness score of the answer; null: not evaluated. */
  faithfulness: number | null;
  rateLimit: RateLimitHeaders | null;
}

export interface Retrieval {
  collection: string;
  query: string;
  documents: { id: string; score: number; content: string; updatedAtMs: number }[];
  embedding: number[];
  startMs: number;
  durationMs: number;
}

export interface Guardrail {
  name: string;
  intervened: boolean;
  categories: string[];
  startMs: number;
  durationMs: number;
}

export interface RequestPlan {
  traceId: string;
  serverSpanId: string;
  startMs: number;
  team: Team;
  key: { alias: string; hash: string };
  user: string;
  modelGroup: string;
  systemPrompt: string;
  userPrompt: string;
  responseFormat: 'json_object' | null;
  maxTokens: number;
  attempts: Attempt[];
  /** Refused by the proxy before any attempt (budget, guardrail). */
  proxyError: ErrorShape | null;
  guardrail: Guardrail | null;
  retrieval: Retrieval | null;
  /** metadata.user_api_key_spend at the time of the request. */
  keySpendUsd: number;
  /** Set when a fault touched this request: the end of its first affected span. */
  faultedAtMs: number | null;
  /** Indexes of the faults that touched this request. */
  faults: number[];
}

export function requestEndMs(plan: RequestPlan): number {
  let end = plan.startMs + 4;
  for (const a of plan.attempts) end = Math.max(end, a.startMs + a.durationMs);
  if (plan.guardrail) end = Math.max(end, plan.guardrail.startMs + plan.guardrail.durationMs);
  return end + 3;
}
