// What normalize keeps for the quality detectors: the JSON Schema of a json_schema request, a
// provider refusal field as a `refusal` part, and whether captured text was cut at the limit.
import { describe, expect, it } from 'vitest';
import * as oi from '../../fixtures/spans/openinference.ts';
import { qualitySpan } from '../detectors/quality/spans.ts';
import { normalizeLlm } from './run-normalize.ts';

const schema = { type: 'object', required: ['city'], properties: { city: { type: 'string' } } };

describe('normalize keeps what the quality checks need', () => {
  it('reads the JSON Schema of a json_schema response_format attribute', async () => {
    const call = await normalizeLlm(
      qualitySpan({ output: '{}', responseFormat: { type: 'json_schema', json_schema: { name: 'w', schema } } }),
    );
    expect(call.content).toMatchObject({ responseFormat: 'json_schema', responseSchema: schema });
  });

  it('reads the schema from OpenInference invocation parameters, and leaves it out for json_object', async () => {
    const base = oi.scenarios.success.input;
    const params = JSON.stringify({ model: 'gpt-4o', response_format: { type: 'json_schema', json_schema: { name: 'w', schema } } });
    const call = await normalizeLlm({ ...base, attributes: { ...base.attributes, 'llm.invocation_parameters': params } });
    expect(call.content).toMatchObject({ responseFormat: 'json_schema', responseSchema: schema });
    const plain = await normalizeLlm(qualitySpan({ output: '{}', responseFormat: { type: 'json_object' } }));
    expect(plain.content?.responseFormat).toBe('json_object');
    expect(plain.content).not.toHaveProperty('responseSchema');
  });

  it('keeps an OpenAI message.refusal as a refusal part', async () => {
    const call = await normalizeLlm(
      qualitySpan({ outputMessage: { role: 'assistant', content: null, refusal: 'I cannot help with that.' } }),
    );
    expect(call.content?.outputMessages[0].parts).toEqual([{ type: 'refusal', content: 'I cannot help with that.', name: null }]);
  });

  it('marks content cut at max_content_chars as truncated, and only then', async () => {
    const long = await normalizeLlm(qualitySpan({ user: 'x'.repeat(300), output: 'ok' }), { max_content_chars: 100 });
    expect(long.content?.truncated).toBe(true);
    const short = await normalizeLlm(qualitySpan({ user: 'short question', output: 'ok' }), { max_content_chars: 100 });
    expect(short.content).not.toHaveProperty('truncated');
  });
});
