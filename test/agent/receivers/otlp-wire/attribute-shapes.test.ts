import { describe, expect, it } from 'vitest';
import type { AttributeValue, Attributes } from '../../../../agent/core/model/otlp.ts';
import { AttributeShapes, SHAPED_MAX_KEYS, SHAPED_MIN_KEYS } from '../../../../agent/receivers/otlp-wire/attribute-shapes.ts';
import { setAttribute } from '../../../../agent/receivers/otlp-wire/set-attribute.ts';

type Pairs = [string, AttributeValue][];

/** What the decoders did before shapes: each KeyValue set in order on a fresh object. */
function setInOrder(pairs: Pairs): Attributes {
  const out: Attributes = {};
  for (const [k, v] of pairs) setAttribute(out, k, v);
  return out;
}

function build(shapes: AttributeShapes, pairs: Pairs): Attributes {
  shapes.start();
  for (const [k, v] of pairs) shapes.add(k, v);
  return shapes.build();
}

/** Same own keys in the same order, same values, same prototype. */
function expectSame(actual: Attributes, expected: Attributes): void {
  expect(Reflect.ownKeys(actual)).toEqual(Reflect.ownKeys(expected));
  for (const k of Object.keys(expected))
    expect(Object.getOwnPropertyDescriptor(actual, k)).toEqual(Object.getOwnPropertyDescriptor(expected, k));
  expect(Object.getPrototypeOf(actual)).toBe(Object.prototype);
}

const many = (n: number, prefix = 'gen_ai.attr.', value: (i: number) => AttributeValue = (i) => i): Pairs =>
  Array.from({ length: n }, (_, i) => [`${prefix}${i}`, value(i)]);

describe('AttributeShapes', () => {
  it('builds the same object as setting each KeyValue in order, below and above the template threshold', () => {
    const shapes = new AttributeShapes();
    for (const n of [0, 1, SHAPED_MIN_KEYS - 1, SHAPED_MIN_KEYS, 40, SHAPED_MAX_KEYS, SHAPED_MAX_KEYS + 1, 2000]) {
      const pairs = many(n, 'k.', (i) => (i % 3 === 0 ? `v${i}` : i % 3 === 1 ? i * 1.5 : [i, { nested: true }]));
      // Twice: the first builds the template, the second clones it.
      expectSame(build(shapes, pairs), setInOrder(pairs));
      expectSame(build(shapes, pairs), setInOrder(pairs));
    }
  });

  it('gives each span its own values and its own object', () => {
    const shapes = new AttributeShapes();
    const first = build(
      shapes,
      many(30, 'a.', (i) => `first-${i}`),
    );
    const second = build(
      shapes,
      many(30, 'a.', (i) => `second-${i}`),
    );
    expect(first['a.7']).toBe('first-7');
    expect(second['a.7']).toBe('second-7');
    second['a.7'] = 'changed';
    const third = build(
      shapes,
      many(30, 'a.', (i) => i),
    );
    expect(first['a.7']).toBe('first-7');
    expect(third['a.7']).toBe(7);
  });

  it('keeps a repeated key at its first position with its last value', () => {
    const shapes = new AttributeShapes();
    const pairs: Pairs = [...many(20, 'r.'), ['r.3', 'again'], ['z', 1]];
    for (let i = 0; i < 2; i++) {
      const out = build(shapes, pairs);
      expectSame(out, setInOrder(pairs));
      expect(Object.keys(out).indexOf('r.3')).toBe(3);
      expect(out['r.3']).toBe('again');
    }
  });

  it('keeps __proto__ and integer-like keys as own data properties', () => {
    const shapes = new AttributeShapes();
    const pairs: Pairs = [...many(15, 'p.'), ['__proto__', 'polluted'], ['7', 'seven'], ['constructor', 'c']];
    for (let i = 0; i < 2; i++) {
      const out = build(shapes, pairs);
      expectSame(out, setInOrder(pairs));
      expect(Object.getOwnPropertyDescriptor(out, '__proto__')?.value).toBe('polluted');
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  });

  it('tells apart key sequences that differ in one key, in order, or in length', () => {
    const shapes = new AttributeShapes();
    const base = many(25, 's.');
    const variants: Pairs[] = [
      base,
      base.map(([k, v], i): [string, AttributeValue] => (i === 12 ? ['s.other', v] : [k, v])),
      [base[1], base[0], ...base.slice(2)],
      base.slice(0, 24),
      [...base, ['s.extra', 1]],
    ];
    for (let round = 0; round < 2; round++) for (const pairs of variants) expectSame(build(shapes, pairs), setInOrder(pairs));
  });

  it('drops a list that was left unfinished (a decode error mid-span) when the next one starts', () => {
    const shapes = new AttributeShapes();
    shapes.start();
    shapes.add('stale', 1);
    expectSame(build(shapes, many(3, 'fresh.')), setInOrder(many(3, 'fresh.')));
  });
});
