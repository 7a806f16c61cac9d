import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutText, isStorableText, storableCodePoint, storableJsonValue, storableText } from '../../../../agent/core/model/storable-text.ts';
import { truncate } from '../../../../agent/delivery/notify/alert-content.ts';

describe('storableText', () => {
  it('replaces NUL and lone surrogates with U+FFFD and keeps surrogate pairs', () => {
    expect(storableText('a\u0000b')).toBe('a\ufffdb');
    expect(storableText('x\ud800')).toBe('x\ufffd');
    expect(storableText('\udfffy')).toBe('\ufffdy');
    expect(storableText('\udc00\ud800')).toBe('\ufffd\ufffd');
    expect(storableText('ok 😀 \u0000')).toBe('ok 😀 \ufffd');
  });

  it('returns the same string when nothing needs replacing', () => {
    const s = 'plain text with é and 😀';
    expect(storableText(s)).toBe(s);
    expect(isStorableText(s)).toBe(true);
  });

  it('always returns storable text of the same length', () => {
    fc.assert(
      // Any UTF-16 units: NUL, lone halves and pairs in every order.
      fc.property(
        fc.array(fc.oneof(fc.constantFrom(0, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0x41), fc.integer({ min: 0, max: 0xffff })), {
          maxLength: 40,
        }),
        (units) => {
          const s = String.fromCharCode(...units);
          const out = storableText(s);
          expect(isStorableText(out)).toBe(true);
          expect(out.length).toBe(s.length);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('storableCodePoint', () => {
  it('reads NUL and surrogate code points as U+FFFD and others as themselves', () => {
    expect([0, 0xd800, 0xdfff, 0x41, 0x1f600].map(storableCodePoint)).toEqual(['\ufffd', '\ufffd', '\ufffd', 'A', '😀']);
  });
});

describe('storableJsonValue', () => {
  it('replaces the characters in strings and keys at any depth', () => {
    const parsed = JSON.parse('{"a\\u0000":[{"b":"x\\ud800"}],"n":1,"ok":"fine"}');
    expect(storableJsonValue(parsed)).toEqual({ 'a\ufffd': [{ b: 'x\ufffd' }], n: 1, ok: 'fine' });
  });

  it('returns a clean value as the same object, and copies only what changes', () => {
    const clean = { a: [1, 'two'], b: { c: null } };
    expect(storableJsonValue(clean)).toBe(clean);
    const mixed = { keep: { x: 1 }, fix: 'a\u0000' };
    const out = storableJsonValue(mixed);
    expect(out).not.toBe(mixed);
    expect(out.keep).toBe(mixed.keep);
    expect(mixed.fix).toBe('a\u0000');
  });

  it('keeps a __proto__ key an own property, never the prototype', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":"\\u0000"}}');
    const out = storableJsonValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect((out as { polluted?: unknown }).polluted).toBeUndefined();
  });
});

describe('cutText', () => {
  it('cuts before a surrogate pair rather than through it', () => {
    expect(cutText('ab😀c', 3)).toBe('ab');
    expect(cutText('ab😀c', 4)).toBe('ab😀');
    expect(cutText('abc', 5)).toBe('abc');
  });

  it('keeps alert annotations cut at their limit whole', () => {
    const cut = truncate(`${'x'.repeat(1_998)}😀😀`, 2_000);
    expect(cut.isWellFormed()).toBe(true);
    expect(cut).toBe(`${'x'.repeat(1_998)}…`);
  });
});
