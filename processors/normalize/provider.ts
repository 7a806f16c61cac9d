// Provider names: first key present wins (the newest semantic-convention key first), then lower-case and alias-map to
// the OTel gen_ai.provider.name values, so LiteLLM's raw strings (`vertex_ai`, `bedrock`),
// old semconv values (`az.ai.openai`) and Traceloop's (`OpenAI`) all count as one provider.
import type { Attributes } from '../../agent/core/model/otlp.ts';
import { readIdentifier } from './attribute-readers.ts';

const PROVIDER_KEYS = [
  'gen_ai.provider.name',
  'gen_ai.system',
  'llm.provider',
  'llm.system',
  // Last resort: the gateway's error report names the provider even when the call had none.
  'error.llm_provider',
  'litellm.provider.error.llm_provider',
] as const;

export const PROVIDER_ALIASES: Readonly<Record<string, string>> = {
  'az.ai.openai': 'azure.ai.openai',
  'az.ai.inference': 'azure.ai.inference',
  azure: 'azure.ai.openai',
  azure_text: 'azure.ai.openai',
  azure_openai: 'azure.ai.openai',
  azure_ai: 'azure.ai.inference',
  'text-completion-openai': 'openai',
  gemini: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  vertex_ai_beta: 'gcp.vertex_ai',
  vertexai: 'gcp.vertex_ai',
  google: 'gcp.gen_ai',
  bedrock: 'aws.bedrock',
  bedrock_converse: 'aws.bedrock',
  aws: 'aws.bedrock',
  xai: 'x_ai',
  mistral: 'mistral_ai',
  mistralai: 'mistral_ai',
  watsonx: 'ibm.watsonx.ai',
  cohere_chat: 'cohere',
  anthropic_text: 'anthropic',
  moonshot: 'moonshot_ai',
};

export interface ProviderName {
  provider: string;
  raw: string | null;
}

export type ProviderAliases = Readonly<Record<string, string>>;

/** Builds the alias map once per component: built-ins, then config (lower-cased keys) on top. */
export function buildAliases(extra: Readonly<Record<string, string>>): ProviderAliases {
  const map: Record<string, string> = { ...PROVIDER_ALIASES };
  for (const [from, to] of Object.entries(extra)) map[from.toLowerCase()] = to;
  return map;
}

export function normalizeProvider(raw: string | null, aliases: ProviderAliases = PROVIDER_ALIASES): string {
  if (raw === null) return 'unknown';
  const lower = raw.trim().toLowerCase();
  if (lower === '') return 'unknown';
  return aliases[lower] ?? lower;
}

export function readProvider(attrs: Attributes, aliases: ProviderAliases): ProviderName {
  for (const key of PROVIDER_KEYS) {
    const raw = readIdentifier(attrs[key]);
    // LiteLLM writes "Unknown" when it has no provider; a later key may know better.
    if (raw !== null && raw.toLowerCase() !== 'unknown') return { provider: normalizeProvider(raw, aliases), raw };
  }
  return { provider: 'unknown', raw: readIdentifier(attrs['gen_ai.system']) };
}
