import { z } from 'zod';
import { count, milliseconds } from '../../../config/units.ts';

export const ProbeModel = z.strictObject({
  model: z.string().min(1).describe('Model (or LiteLLM model group) to ask, as clients name it.'),
  provider: z
    .string()
    .min(1)
    .optional()
    .describe('Provider the calls are profiled under (openai, anthropic, gcp.gemini, …); omitted: read from the model name.'),
});
export type ProbeModel = z.infer<typeof ProbeModel>;

export const ProbesConfig = z.strictObject({
  target: z
    .url({ error: 'expected an absolute URL, e.g. http://litellm:4000' })
    .describe('OpenAI-compatible endpoint (a LiteLLM proxy, or a provider): base URL, or the full …/chat/completions URL.'),
  api_key: z.string().default('').describe('Bearer token for the endpoint (e.g. ${env:LITELLM_API_KEY}); empty: none. Never logged.'),
  models: z.array(ProbeModel).min(1, { error: 'list at least one model to probe' }).describe('One tiny request per model per interval.'),
  interval_ms: milliseconds()
    .min(1_000, { error: 'expected at least 1000 ms between probes' })
    .default(60_000)
    .describe('Time between two probes of one model.'),
  timeout_ms: milliseconds().default(30_000).describe('A probe with no answer after this long is a timeout.'),
  prompt: z.string().min(1).max(2_000).default('Reply with the single word: ok').describe('What each probe asks (keep it tiny).'),
  max_tokens: count('tokens').max(256).default(5).describe('max_tokens of each probe: its answer stays a few tokens.'),
});
export type ProbesConfig = z.infer<typeof ProbesConfig>;
