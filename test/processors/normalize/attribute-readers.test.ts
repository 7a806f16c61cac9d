import { describe, expect, it } from 'vitest';
import {
  readBoolean,
  readCount,
  readNumber,
  readString,
  readStringArray,
  readStructured,
  truncate,
} from '../../../processors/normalize/attribute-readers.ts';
import { classSuffix, leadingHttpStatus, readRetries } from '../../../processors/normalize/error-info.ts';

describe('attribute readers', () => {
  it('read numbers sent as numbers, strings or bigints', () => {
    expect([readNumber(5), readNumber('5.5'), readNumber(7n), readNumber(''), readNumber('abc'), readNumber(true)]).toEqual([
      5,
      5.5,
      7,
      null,
      null,
      null,
    ]);
  });

  it('read counts as non-negative integers', () => {
    expect([readCount(3.9), readCount(-1), readCount('12')]).toEqual([3, null, 12]);
  });

  it('read booleans from Python and JSON spellings', () => {
    expect([readBoolean('True'), readBoolean('False'), readBoolean('true'), readBoolean(true), readBoolean('maybe')]).toEqual([
      true,
      false,
      true,
      true,
      null,
    ]);
  });

  it('read LiteLLM’s empty string as absent', () => {
    expect(readString('')).toBeNull();
  });

  it('parse JSON only for strings that look like containers', () => {
    expect(readStructured('["a"]')).toEqual(['a']);
    expect(readStructured('plain text')).toBeNull();
    expect(readStructured('{broken')).toBeNull();
    expect(readStructured(['already'])).toEqual(['already']);
  });

  it('read string arrays from arrays, JSON strings and single strings', () => {
    expect([readStringArray(['a', 'b']), readStringArray('["a"]'), readStringArray('stop'), readStringArray(undefined)]).toEqual([
      ['a', 'b'],
      ['a'],
      ['stop'],
      null,
    ]);
  });
});

describe('error facts', () => {
  it.each([
    ['429 Rate limit reached for requests', 429],
    ["Error code: 529 - {'type': 'error'}", 529],
    ['400 This model’s maximum context length', 400],
    ['500', 500],
    ['litellm.RateLimitError: …', null],
    ['4290 things', null],
    ['Connection error.', null],
  ])('reads the leading HTTP status of %j as %s', (message, expected) => {
    expect(leadingHttpStatus(message)).toBe(expected);
  });

  it('takes the class name after the module prefix', () => {
    expect([classSuffix('litellm.exceptions.RateLimitError'), classSuffix('RateLimitError'), classSuffix(null)]).toEqual([
      'RateLimitError',
      'RateLimitError',
      null,
    ]);
  });

  it('reads LiteLLM’s retry suffix from the first message that has it', () => {
    expect(readRetries([null, 'x LiteLLM Retried: 3 times, LiteLLM Max Retries: 5'])).toEqual({
      retries: 3,
      maxRetries: 5,
      fallbacks: null,
    });
    expect(readRetries(['no retries here'])).toEqual({ retries: null, maxRetries: null, fallbacks: null });
  });

  it('read \\u0000 and lone surrogate escapes in embedded JSON as U+FFFD', () => {
    expect(readStructured('{"api_base":"https://x\\u0000","errors":["\\ud800","\\ud83d\\ude00"],"k\\u0000":1}')).toEqual({
      api_base: 'https://x\ufffd',
      errors: ['\ufffd', '😀'],
      'k\ufffd': 1,
    });
  });

  it('read embedded JSON nested too deep to walk as unreadable, without throwing', () => {
    expect(readStructured(`${'['.repeat(200_000)}"\\u0000"${']'.repeat(200_000)}`)).toBeNull();
  });

  it('truncate never leaves half of a surrogate pair, and keeps the length', () => {
    expect(truncate('ab😀cd', 3)).toBe('ab\ufffd');
    expect(truncate('ab😀cd', 4)).toBe('ab😀');
    expect(truncate('abc', 3)).toBe('abc');
  });
});
