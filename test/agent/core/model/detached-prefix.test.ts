// A cut of a long attribute must not keep the attribute alive: V8 makes a plain slice of a long
// string a view of it. Measured on the heap after a full GC, with cuts of fifty 1 MB strings kept.
import { describe, expect, it } from 'vitest';
import { heapMibAfterGc } from '../../../support/heap-after-gc.ts';
import { cutText, detachedPrefix } from '../../../../agent/core/model/storable-text.ts';
import { firstIdentifier, truncate } from '../../../../processors/normalize/attribute-readers.ts';

/** Heap kept by the cuts of fifty distinct 1 MB strings, the strings themselves dropped. */
function heldByCuts(cut: (s: string) => string): number {
  const before = heapMibAfterGc();
  const kept: string[] = [];
  for (let i = 0; i < 50; i++) kept.push(cut(`${i}:${'y'.repeat(1_048_576)}`));
  const after = heapMibAfterGc();
  expect(kept.map((k, i) => [k.length, k.startsWith(`${i}:yyy`)])).toEqual(kept.map(() => [256, true]));
  return after - before;
}

describe('cuts of long strings', () => {
  it('keeps a plain slice’s original alive (the case the cuts below avoid)', () => {
    expect(heldByCuts((s) => s.slice(0, 256))).toBeGreaterThan(40);
  });

  it('keep only their own characters: detachedPrefix, cutText, normalize’s truncate and identifiers', () => {
    expect(heldByCuts((s) => detachedPrefix(s, 256))).toBeLessThan(5);
    expect(heldByCuts((s) => cutText(s, 256))).toBeLessThan(5);
    expect(heldByCuts((s) => truncate(s, 256)!)).toBeLessThan(5);
    expect(heldByCuts((s) => firstIdentifier({ 'gen_ai.data_source.id': s }, ['gen_ai.data_source.id'])!)).toBeLessThan(5);
  });
});
