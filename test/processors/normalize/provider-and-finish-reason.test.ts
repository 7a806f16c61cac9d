import { describe, expect, it } from 'vitest';
import { normalizeFinishReason, readRawFinishReasons } from '../../../processors/normalize/finish-reason.ts';
import { buildAliases, normalizeProvider, readProvider } from '../../../processors/normalize/provider.ts';

describe('normalizeProvider', () => {
  it.each([
    ['openai', 'openai'],
    ['OpenAI', 'openai'],
    ['Anthropic', 'anthropic'],
    ['az.ai.openai', 'azure.ai.openai'],
    ['az.ai.inference', 'azure.ai.inference'],
    ['azure', 'azure.ai.openai'],
    ['Azure', 'azure.ai.openai'],
    ['gemini', 'gcp.gemini'],
    ['vertex_ai', 'gcp.vertex_ai'],
    ['vertex_ai_beta', 'gcp.vertex_ai'],
    ['bedrock', 'aws.bedrock'],
    ['AWS', 'aws.bedrock'],
    ['xai', 'x_ai'],
    ['mistral', 'mistral_ai'],
    ['MistralAI', 'mistral_ai'],
    ['gcp.vertex_ai', 'gcp.vertex_ai'],
    ['groq', 'groq'],
  ])('maps %s to %s', (raw, expected) => {
    expect(normalizeProvider(raw)).toBe(expected);
  });

  it('lets configured aliases extend and override the built-in map', () => {
    const aliases = buildAliases({ Together_AI: 'together', azure: 'azure.ai.inference' });
    expect(normalizeProvider('together_ai', aliases)).toBe('together');
    expect(normalizeProvider('azure', aliases)).toBe('azure.ai.inference');
  });

  it('takes the first key present, skipping LiteLLM’s "Unknown"', () => {
    const aliases = buildAliases({});
    expect(readProvider({ 'gen_ai.provider.name': 'aws.bedrock', 'gen_ai.system': 'bedrock' }, aliases)).toEqual({
      provider: 'aws.bedrock',
      raw: 'aws.bedrock',
    });
    expect(readProvider({ 'gen_ai.system': 'Unknown', 'error.llm_provider': 'openai' }, aliases)).toEqual({
      provider: 'openai',
      raw: 'openai',
    });
    expect(readProvider({ 'llm.provider': 'azure', 'llm.system': 'openai' }, aliases)).toEqual({
      provider: 'azure.ai.openai',
      raw: 'azure',
    });
  });
});

describe('normalizeFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['STOP', 'stop'],
    ['length', 'length'],
    ['max_tokens', 'length'],
    ['MAX_TOKENS', 'length'],
    ['content_filter', 'content_filter'],
    ['SAFETY', 'content_filter'],
    ['RECITATION', 'content_filter'],
    ['BLOCKLIST', 'content_filter'],
    ['PROHIBITED_CONTENT', 'content_filter'],
    ['refusal', 'content_filter'],
    ['guardrail_intervened', 'content_filter'],
    ['tool_calls', 'tool_call'],
    ['tool_call', 'tool_call'],
    ['tool_use', 'tool_call'],
    ['function_call', 'tool_call'],
    ['MALFORMED_FUNCTION_CALL', 'error'],
    ['error', 'error'],
    ['something_new', 'stop'],
  ])('maps %s to %s', (raw, expected) => {
    expect(normalizeFinishReason(raw)).toBe(expected);
  });

  it('reads finish reasons from a string array, a JSON string, indexed completions or a single key', () => {
    expect(readRawFinishReasons({ 'gen_ai.response.finish_reasons': ['stop', 'length'] })).toEqual(['stop', 'length']);
    expect(readRawFinishReasons({ 'gen_ai.response.finish_reasons': '["content_filter"]' })).toEqual(['content_filter']);
    expect(
      readRawFinishReasons({ 'gen_ai.completion.0.finish_reason': 'end_turn', 'gen_ai.completion.1.finish_reason': 'max_tokens' }),
    ).toEqual(['end_turn', 'max_tokens']);
    expect(readRawFinishReasons({ 'llm.finish_reason': 'SAFETY' })).toEqual(['SAFETY']);
    expect(readRawFinishReasons({})).toEqual([]);
  });
});
