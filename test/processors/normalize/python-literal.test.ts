import { describe, expect, it } from 'vitest';
import { parsePythonLiteral } from '../../../processors/normalize/python-literal.ts';

describe('parsePythonLiteral', () => {
  it('reads a LiteLLM usage_object dict repr', () => {
    expect(
      parsePythonLiteral(
        "{'completion_tokens': 9, 'prompt_tokens': 12, 'prompt_tokens_details': {'cached_tokens': 0, 'audio_tokens': None}}",
      ),
    ).toEqual({
      completion_tokens: 9,
      prompt_tokens: 12,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: null },
    });
  });

  it('reads None, True and False', () => {
    expect(parsePythonLiteral('[None, True, False]')).toEqual([null, true, false]);
  });

  it('reads ints, negative numbers, floats and exponents', () => {
    expect(parsePythonLiteral('[0, -3, 1.5, 3e-05, 1_000, -2.5E+3]')).toEqual([0, -3, 1.5, 3e-5, 1000, -2500]);
  });

  it('reads single- and double-quoted strings with escapes', () => {
    expect(parsePythonLiteral(`["it's", 'say \\'hi\\'', 'a\\nb\\tc', 'caf\\xe9', '\\u2603', 'back\\\\slash']`)).toEqual([
      "it's",
      "say 'hi'",
      'a\nb\tc',
      'café',
      '☃',
      'back\\slash',
    ]);
  });

  it('reads tuples and sets as lists, and empty containers', () => {
    expect(parsePythonLiteral("{'t': (1, 2), 's': {3}, 'one': (4,), 'e': {}, 'l': [], 'u': ()}")).toEqual({
      t: [1, 2],
      s: [3],
      one: [4],
      e: {},
      l: [],
      u: [],
    });
  });

  it('reads pydantic-style reprs as dicts', () => {
    expect(parsePythonLiteral('CompletionTokensDetailsWrapper(audio_tokens=None, reasoning_tokens=256)')).toEqual({
      audio_tokens: null,
      reasoning_tokens: 256,
    });
  });

  it('tolerates trailing commas and surrounding whitespace', () => {
    expect(parsePythonLiteral("  {'a': [1, 2,], }  ")).toEqual({ a: [1, 2] });
  });

  it('returns undefined instead of throwing on text it cannot read', () => {
    for (const bad of ['', '{', "{'a': }", "{'a' 1}", '<object at 0x7f>', "'unterminated", '[1, 2] extra', 'nonsense', '{'.repeat(200)]) {
      expect(parsePythonLiteral(bad)).toBeUndefined();
    }
  });

  it('reads NUL and surrogate escapes as U+FFFD, which PostgreSQL can store', () => {
    expect(
      parsePythonLiteral(`{'message': 'bad\\x00byte', 'nul': '\\0', 'lone': '\\ud800x', 'u32': '\\U0000dfff', 'ok': '\\U0001f600'}`),
    ).toEqual({
      message: 'bad\ufffdbyte',
      nul: '\ufffd',
      lone: '\ufffdx',
      u32: '\ufffd',
      ok: '😀',
    });
  });

  it('keeps a __proto__ key an own property of the dict, never its prototype', () => {
    const dict = parsePythonLiteral("{'__proto__': {'prompt_tokens': 5}}") as Record<string, unknown>;
    expect(Object.getPrototypeOf(dict)).toBe(Object.prototype);
    expect(Object.hasOwn(dict, '__proto__')).toBe(true);
    expect(dict.prompt_tokens).toBeUndefined();
  });
});
