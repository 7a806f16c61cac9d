// Attribute keys and short values repeat in every span ('gen_ai.request.model', 'openai', ...).
// Handing back the same string object avoids decoding it again and, more importantly, makes V8
// reuse one internalized key when building attribute objects: ~3x faster than fresh strings.
// Direct-mapped and fixed-size, so memory stays bounded whatever a client sends.

/** Longest string (in bytes) worth caching. */
export const MAX_CACHED_BYTES = 48;
const SLOTS = 4096; // power of two

export class ShortStringCache {
  private readonly strings: string[] = new Array<string>(SLOTS).fill('');
  private readonly bytes = new Uint8Array(SLOTS * MAX_CACHED_BYTES);
  // Byte length + 1 per slot; 0 marks an empty slot.
  private readonly lengths = new Uint8Array(SLOTS);

  /**
   * The string for buf[start, end) (at most MAX_CACHED_BYTES long), decoded by `decode` on a
   * miss.
   */
  get(buf: Uint8Array, start: number, end: number, decode: (buf: Uint8Array, start: number, end: number) => string): string {
    const len = end - start;
    let h = 0x811c9dc5 ^ len;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
    const base = slot * MAX_CACHED_BYTES;
    const bytes = this.bytes;
    if (this.lengths[slot] === len + 1) {
      let i = 0;
      while (i < len && bytes[base + i] === buf[start + i]) i++;
      if (i === len) return this.strings[slot];
    }
    const s = decode(buf, start, end);
    bytes.set(buf.subarray(start, end), base);
    this.lengths[slot] = len + 1;
    this.strings[slot] = s;
    return s;
  }
}
