import { z } from 'zod';
import { count, milliseconds, ratio } from '../../config/units.ts';
import type { SecuritySettings } from './security/detect-security.ts';
import { QualityConfig } from './quality/config.ts';
import { CostConfig } from './cost/config.ts';
import { DataConfig } from './data/config.ts';

export const LatencySla = z.strictObject({
  provider: z.string().min(1).describe('Normalized provider name, as on the call (openai, anthropic, gcp.vertex_ai, …).'),
  model: z.string().min(1).optional().describe('Requested model; omit to cover every model of the provider.'),
  p99_ms: milliseconds().describe('Highest acceptable p99 call duration over the window.'),
});
export type LatencySla = z.infer<typeof LatencySla>;

export const LatencyConfig = z
  .strictObject({
    window_ms: milliseconds()
      .default(300_000)
      .describe('Sliding window of event time (call end times) over which p99 is computed, per provider and model.'),
    min_samples: count('calls').default(20).describe('Successful calls a provider/model needs in the window before its p99 is judged.'),
    default_p99_ms: milliseconds().default(30_000).describe('SLA for providers and models no entry in `slas` covers.'),
    rearm_ratio: ratio('rearm_ratio')
      .default(0.9)
      .describe('After an episode, p99 must fall below this fraction of the SLA before the next crossing is reported again.'),
    reminder_ms: milliseconds()
      .default(120_000)
      .describe(
        'While an episode lasts, it is reported again (evidence continued: true) on the first slow-window call this long after the last report, so its incident stays open; keep it under processors.incidents.quiet_period_ms.',
      ),
    slas: z
      .array(LatencySla)
      .default([])
      .describe('p99 SLAs per provider, optionally per model; a provider+model entry wins over a provider-only entry.'),
    max_samples_per_key: count('samples').default(1_000).describe('Durations kept per provider/model; past it the oldest are forgotten.'),
    max_keys: count('provider/model pairs')
      .default(1_000)
      .describe('Provider/model pairs tracked at once; past it the least recently seen is forgotten.'),
  })
  .superRefine((c, ctx) => {
    const seen = new Set<string>();
    c.slas.forEach((sla, i) => {
      const key = `${sla.provider}/${sla.model ?? '*'}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['slas', i], message: `duplicate SLA for ${key}` });
      seen.add(key);
    });
  });
export type LatencyConfig = z.infer<typeof LatencyConfig>;

export const FamiliesConfig = z.strictObject({
  openai: z.boolean().default(true).describe('OpenAI-family rules: 429 split into rate_limited vs quota_exhausted, x-ratelimit headroom.'),
  anthropic: z
    .boolean()
    .default(true)
    .describe('Anthropic rules: 529/overloaded_error, spend limit, anthropic-ratelimit-* headroom, thinking tokens in evidence.'),
  gemini: z.boolean().default(true).describe('Gemini/Vertex rules: RESOURCE_EXHAUSTED and quota split, blocked responses, payload size.'),
  gateway: z
    .boolean()
    .default(true)
    .describe('LiteLLM rules: no healthy deployment, budget exceeded, proxy auth, guardrail interventions, retries in evidence.'),
  latency: z.boolean().default(true).describe('p99 latency SLA per provider and model.'),
});

export const SecurityConfig = z.strictObject({
  enabled: z
    .boolean()
    .default(true)
    .describe('Security checks on captured content: prompt_injection, jailbreak, pii_leakage, secret_leakage, system_prompt_leak.'),
  injection_threshold: ratio('injection_threshold')
    .default(0.7)
    .describe(
      'Score (best phrase family, noisy-or of its rule weights) at which a user turn or tool result is reported as prompt_injection or jailbreak; one strong phrase is enough.',
    ),
  max_scan_chars: count('characters').default(65_536).describe('Characters of input and of output scanned per call; the rest is not read.'),
  max_decoded_runs: count('runs')
    .default(8)
    .describe('Base64/hex runs (24+ characters) per call decoded and scanned again for injection phrases.'),
  max_decoded_chars: count('characters')
    .default(4_096)
    .describe('Characters of one base64/hex run decoded; the rest of the run is ignored.'),
  pii_min_confidence: ratio('pii_min_confidence')
    .default(0.6)
    .describe('Confidence (after checksum and context words) a PII hit in the completion needs to count towards pii_leakage.'),
  leak_shingle_words: count('words')
    .default(8)
    .describe('Words per n-gram (shingle) shared by the system prompt and the completion for system_prompt_leak.'),
  leak_min_overlap_words: count('words')
    .default(20)
    .describe('Completion words covered by shared shingles that make a system_prompt_leak (half the system prompt when that is fewer).'),
  max_evidence_hits: count('hits').default(10).describe("PII/secret hits listed (type, offset, masked excerpt) in one signal's evidence."),
});
export type SecurityConfig = z.infer<typeof SecurityConfig>;

export const DetectorsConfig = z.strictObject({
  headroom_ratio: ratio('headroom_ratio')
    .default(0.1)
    .describe('rate_limit_headroom_low when remaining/limit of requests or tokens on a successful call falls below this ratio.'),
  openai_compatible_providers: z
    .array(z.string().min(1))
    .default([
      'openai',
      'azure.ai.openai',
      'azure.ai.inference',
      'x_ai',
      'mistral_ai',
      'groq',
      'deepseek',
      'together_ai',
      'fireworks_ai',
      'openrouter',
      'perplexity',
      'deepinfra',
      'hosted_vllm',
      'openai_like',
      'custom_openai',
      'litellm_proxy',
    ])
    .describe('Normalized provider names judged by the OpenAI-family rules.'),
  families: FamiliesConfig.default(FamiliesConfig.parse({})).describe(
    'Turns provider-family rule sets on or off; the generic status/class/message rules always run.',
  ),
  latency: LatencyConfig.default(LatencyConfig.parse({})).describe('Latency SLA detection (latency_degradation).'),
  security: SecurityConfig.default(SecurityConfig.parse({})).describe(
    'Security checks on captured prompt and completion text; evidence holds rule names, offsets and masked excerpts only.',
  ),
  quality: QualityConfig.default(QualityConfig.parse({})).describe(
    'Quality checks on successful calls: format, refusal, truncation, empty answers, grounding, language drift, evaluation scores, and regressions of their rate per model.',
  ),
  cost: CostConfig.default(CostConfig.parse({})).describe(
    'Cost checks over LLM calls in rolling event-time windows: configured budgets, batch budgets, token spikes, cache-miss and retry storms, agent loops.',
  ),
  data: DataConfig.default(DataConfig.parse({})).describe(
    'Data checks over retrieval, embedding and ingestion spans: score drift, embedding drift, stale documents, failed or overdue ingestion.',
  ),
});
export type DetectorsConfig = z.infer<typeof DetectorsConfig>;

export type Family = 'openai' | 'anthropic' | 'gemini' | 'generic';

/** The config as the detectors use it: resolved once at create(). */
export interface DetectorSettings {
  readonly headroomRatio: number;
  readonly families: z.infer<typeof FamiliesConfig>;
  /** null when security checks are off. */
  readonly security: SecuritySettings | null;
  familyOf(provider: string): Family;
}

const ANTHROPIC = new Set(['anthropic']);
const GEMINI = new Set(['gcp.gemini', 'gcp.vertex_ai', 'gcp.gen_ai']);

export function toSettings(config: DetectorsConfig): DetectorSettings {
  const openai = new Set(config.openai_compatible_providers);
  const families = config.families;
  return {
    headroomRatio: config.headroom_ratio,
    families,
    security: config.security.enabled ? toSecuritySettings(config.security) : null,
    familyOf(provider) {
      if (families.anthropic && ANTHROPIC.has(provider)) return 'anthropic';
      if (families.gemini && GEMINI.has(provider)) return 'gemini';
      if (families.openai && openai.has(provider)) return 'openai';
      return 'generic';
    },
  };
}

function toSecuritySettings(c: SecurityConfig): SecuritySettings {
  return {
    injectionThreshold: c.injection_threshold,
    maxScanChars: c.max_scan_chars,
    maxDecodedRuns: c.max_decoded_runs,
    maxDecodedChars: c.max_decoded_chars,
    piiMinConfidence: c.pii_min_confidence,
    leakShingleWords: c.leak_shingle_words,
    leakMinOverlapWords: c.leak_min_overlap_words,
    maxEvidenceHits: c.max_evidence_hits,
  };
}
