// The LiteLLM example in deploy/litellm: the otel callback on, one deployment per provider family
// faultline reads (OpenAI, Anthropic, Gemini on Vertex AI), retries, and fallbacks that name only
// model groups the file defines (a typo there would make LiteLLM fall back to nothing).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

interface LiteLlmConfig {
  model_list: { model_name: string; litellm_params: Record<string, unknown> }[];
  litellm_settings: { callbacks: string[]; turn_off_message_logging?: boolean };
  callback_settings?: { otel?: { message_logging?: boolean } };
  router_settings: {
    num_retries: number;
    retry_policy: Record<string, number>;
    fallbacks: Record<string, string[]>[];
    context_window_fallbacks?: Record<string, string[]>[];
    content_policy_fallbacks?: Record<string, string[]>[];
  };
}

const config = parse(readFileSync('deploy/litellm/config.yaml', 'utf8')) as LiteLlmConfig;
const groups = new Set(config.model_list.map((m) => m.model_name));

describe('deploy/litellm/config.yaml', () => {
  it('sends spans through the otel callback with message content kept for the detectors', () => {
    expect(config.litellm_settings.callbacks).toContain('otel');
    expect(config.litellm_settings.turn_off_message_logging).toBe(false);
    expect(config.callback_settings?.otel?.message_logging).toBe(true);
  });

  it('has OpenAI, Anthropic and Vertex AI Gemini deployments, keys from the environment', () => {
    const models = config.model_list.map((m) => String(m.litellm_params.model));
    expect(models.some((m) => m.startsWith('openai/'))).toBe(true);
    expect(models.some((m) => m.startsWith('anthropic/'))).toBe(true);
    const vertex = config.model_list.filter((m) => String(m.litellm_params.model).startsWith('vertex_ai/gemini'));
    expect(vertex.length).toBeGreaterThan(0);
    for (const m of vertex) expect(m.litellm_params).toMatchObject({ vertex_project: expect.stringMatching(/^os\.environ\//) });
    for (const m of config.model_list.filter((m) => 'api_key' in m.litellm_params))
      expect(m.litellm_params.api_key).toMatch(/^os\.environ\/[A-Z_]+$/);
  });

  it('retries transient errors only and falls back between model groups it defines', () => {
    expect(config.router_settings.num_retries).toBeGreaterThan(0);
    expect(config.router_settings.retry_policy.RateLimitErrorRetries).toBeGreaterThan(0);
    expect(config.router_settings.retry_policy.AuthenticationErrorRetries).toBe(0);
    const chains = [
      ...config.router_settings.fallbacks,
      ...(config.router_settings.context_window_fallbacks ?? []),
      ...(config.router_settings.content_policy_fallbacks ?? []),
    ];
    expect(config.router_settings.fallbacks.length).toBeGreaterThan(0);
    for (const chain of chains) {
      for (const [from, to] of Object.entries(chain)) {
        expect(groups, `fallback source ${from}`).toContain(from);
        for (const target of to) expect(groups, `fallback target ${target} of ${from}`).toContain(target);
        expect(to).not.toContain(from);
      }
    }
  });
});
