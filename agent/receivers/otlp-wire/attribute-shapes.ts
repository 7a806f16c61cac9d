// Span attribute objects with many keys. V8 turns an object filled by keyed stores
// (`attrs[key] = value`) into a hash table ("dictionary mode") after about 16 properties; a
// LiteLLM span has ~30, and then building it, every normalize lookup and every for…in over it
// is slower. Spans of one emitter carry the same keys in the same order, so the first span of a
// key sequence leaves a template with fast properties and later spans clone it (one copy of the
// same hidden class) and overwrite the values. Direct-mapped and fixed-size, like the string
// caches, so a client sending ever-new key sequences costs a rebuild, never memory.

import type { AttributeValue, Attributes } from '../../core/model/otlp.ts';
import { setAttribute } from './set-attribute.ts';

/** From this many KeyValues on, objects are built from a template (fewer stay fast anyway). */
export const SHAPED_MIN_KEYS = 12;
/** Longer lists are built plainly: templates must not let a client pin 64 huge objects. */
export const SHAPED_MAX_KEYS = 256;
const SLOTS = 64; // power of two

/** Collects one attribute list's KeyValues, then builds the object (see build()). */
export class AttributeShapes {
  private readonly keys: string[] = [];
  private readonly values: AttributeValue[] = [];
  private length = 0;
  private readonly templateKeys: (string[] | null)[] = new Array<string[] | null>(SLOTS).fill(null);
  private readonly templates: Attributes[] = new Array<Attributes>(SLOTS).fill({});

  /** Starts a new list (also after a decode error left one unfinished). */
  start(): void {
    this.length = 0;
  }

  add(key: string, value: AttributeValue): void {
    this.keys[this.length] = key;
    this.values[this.length] = value;
    this.length++;
  }

  /**
   * The attribute object, exactly as setting each KeyValue in order on `{}` would make it (a
   * repeated key keeps its first position and its last value; `__proto__` stays an own key).
   */
  build(): Attributes {
    const n = this.length;
    const keys = this.keys;
    const values = this.values;
    this.length = 0;
    let out: Attributes;
    if (n < SHAPED_MIN_KEYS || n > SHAPED_MAX_KEYS) {
      out = {};
      for (let i = 0; i < n; i++) setAttribute(out, keys[i], values[i]);
    } else {
      const slot = (n * 31 + keys[0].length * 7 + keys[n - 1].length) & (SLOTS - 1);
      const known = this.templateKeys[slot];
      if (known !== null && sameKeys(known, keys, n)) {
        out = { ...this.templates[slot] };
        for (let i = 0; i < n; i++) setAttribute(out, keys[i], values[i]);
      } else {
        const built: Attributes = {};
        for (let i = 0; i < n; i++) setAttribute(built, keys[i], values[i]);
        // A spread copy is made by named stores, which keep fast properties.
        out = { ...built };
        const template = { ...out };
        // The template keeps the shape, not the values: no request's strings stay pinned.
        for (const key in template) setAttribute(template, key, null);
        this.templateKeys[slot] = keys.slice(0, n);
        this.templates[slot] = template;
      }
    }
    if (n > SHAPED_MAX_KEYS) {
      keys.length = 0;
      values.length = 0;
    } else values.fill(null, 0, n);
    return out;
  }
}

function sameKeys(known: readonly string[], keys: readonly string[], n: number): boolean {
  if (known.length !== n) return false;
  for (let i = 0; i < n; i++) if (known[i] !== keys[i]) return false;
  return true;
}
