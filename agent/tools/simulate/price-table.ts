// The models the simulator knows: provider, list price per million tokens, typical latency and
// the rate limits of one deployment. Prices are public list prices (USD per 1M tokens) rounded to
// what the providers published in 2025; latencies are medians of a non-streaming chat answer of
// ~300 output tokens. Good enough for realistic magnitudes, not for billing.

export interface ModelSpec {
  /** Model group as clients ask for it (and LiteLLM's `gen_ai.request.model`). */
  model: string;
  /** LiteLLM's raw provider string (`gen_ai.system`). */
  provider: 'openai' | 'anthropic' | 'gemini';
  /** What the provider answers in `model` of its response (a dated version). */
  responseModel: string;
  apiBase: string;
  inputUsdPerM: number;
  outputUsdPerM: number;
  /** Median latency of a typical call, and the lognormal sigma around it. */
  medianMs: number;
  sigma: number;
  /** One deployment's limits per minute (x-ratelimit-limit-*). */
  requestsPerMin: number;
  tokensPerMin: number;
  /** Relative answer quality (1 best); a fallback to a weaker model shortens and blurs answers. */
  tier: 1 | 2;
  kind: 'chat' | 'embedding';
}

export const PRICE_TABLE: readonly ModelSpec[] = [
  {
    model: 'gpt-4o',
    provider: 'openai',
    responseModel: 'gpt-4o-2024-08-06',
    apiBase: 'https://api.openai.com',
    inputUsdPerM: 2.5,
    outputUsdPerM: 10,
    medianMs: 1800,
    sigma: 0.45,
    requestsPerMin: 3_000,
    tokensPerMin: 1_500_000,
    tier: 1,
    kind: 'chat',
  },
  {
    model: 'gpt-4o-mini',
    provider: 'openai',
    responseModel: 'gpt-4o-mini-2024-07-18',
    apiBase: 'https://api.openai.com',
    inputUsdPerM: 0.15,
    outputUsdPerM: 0.6,
    medianMs: 900,
    sigma: 0.4,
    requestsPerMin: 5_000,
    tokensPerMin: 4_000_000,
    tier: 2,
    kind: 'chat',
  },
  {
    model: 'claude-sonnet-4-5',
    provider: 'anthropic',
    responseModel: 'claude-sonnet-4-5-20250929',
    apiBase: 'https://api.anthropic.com',
    inputUsdPerM: 3,
    outputUsdPerM: 15,
    medianMs: 2400,
    sigma: 0.45,
    requestsPerMin: 2_000,
    tokensPerMin: 800_000,
    tier: 1,
    kind: 'chat',
  },
  {
    model: 'claude-3-5-haiku',
    provider: 'anthropic',
    responseModel: 'claude-3-5-haiku-20241022',
    apiBase: 'https://api.anthropic.com',
    inputUsdPerM: 0.8,
    outputUsdPerM: 4,
    medianMs: 1100,
    sigma: 0.4,
    requestsPerMin: 4_000,
    tokensPerMin: 2_000_000,
    tier: 2,
    kind: 'chat',
  },
  {
    model: 'gemini-2.5-pro',
    provider: 'gemini',
    responseModel: 'gemini-2.5-pro',
    apiBase: 'https://generativelanguage.googleapis.com',
    inputUsdPerM: 1.25,
    outputUsdPerM: 10,
    medianMs: 2200,
    sigma: 0.5,
    requestsPerMin: 1_000,
    tokensPerMin: 2_000_000,
    tier: 1,
    kind: 'chat',
  },
  {
    model: 'gemini-2.5-flash',
    provider: 'gemini',
    responseModel: 'gemini-2.5-flash',
    apiBase: 'https://generativelanguage.googleapis.com',
    inputUsdPerM: 0.3,
    outputUsdPerM: 2.5,
    medianMs: 800,
    sigma: 0.4,
    requestsPerMin: 2_000,
    tokensPerMin: 4_000_000,
    tier: 2,
    kind: 'chat',
  },
  {
    model: 'text-embedding-3-small',
    provider: 'openai',
    responseModel: 'text-embedding-3-small',
    apiBase: 'https://api.openai.com',
    inputUsdPerM: 0.02,
    outputUsdPerM: 0,
    medianMs: 120,
    sigma: 0.3,
    requestsPerMin: 10_000,
    tokensPerMin: 10_000_000,
    tier: 1,
    kind: 'embedding',
  },
];

export const CHAT_MODELS = PRICE_TABLE.filter((m) => m.kind === 'chat');
export const EMBEDDING_MODEL = PRICE_TABLE.find((m) => m.kind === 'embedding')!;

/** Default traffic mix when a scenario names none: OpenAI busiest, then Anthropic, then Gemini. */
export const DEFAULT_MIX: readonly { model: string; weight: number }[] = [
  { model: 'gpt-4o', weight: 4 },
  { model: 'gpt-4o-mini', weight: 3 },
  { model: 'claude-sonnet-4-5', weight: 3 },
  { model: 'claude-3-5-haiku', weight: 1 },
  { model: 'gemini-2.5-pro', weight: 2 },
  { model: 'gemini-2.5-flash', weight: 1 },
];

export function modelSpec(model: string): ModelSpec | undefined {
  return PRICE_TABLE.find((m) => m.model === model);
}

export function costUsd(spec: ModelSpec, inputTokens: number, outputTokens: number): { input: number; output: number; total: number } {
  const input = (inputTokens * spec.inputUsdPerM) / 1e6;
  const output = (outputTokens * spec.outputUsdPerM) / 1e6;
  return { input, output, total: input + output };
}
