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
  private readonly words = new DataView(this.bytes.buffer);
  // Byte length + 1 per slot; 0 marks an empty slot.
  private readonly lengths = new Uint8Array(SLOTS);

  /**
   * The string for the bytes [start, end) of `buf` (`view` over the same bytes), at most
   * MAX_CACHED_BYTES long; `decode` makes it on a miss. Hashes and compares 4 bytes at a time.
   */
  get(
    buf: Uint8Array,
    view: DataView,
    start: number,
    end: number,
    decode: (buf: Uint8Array, start: number, end: number) => string,
  ): string {
    const len = end - start;
    const wordsEnd = start + (len & ~3);
    let h = 0x811c9dc5 ^ len;
    let i = start;
    for (; i < wordsEnd; i += 4) h = Math.imul(h ^ view.getInt32(i, true), 0x01000193);
    for (; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (SLOTS - 1);
    const base = slot * MAX_CACHED_BYTES;
    if (this.lengths[slot] === len + 1 && this.matches(buf, view, start, end, wordsEnd, base)) return this.strings[slot];
    const s = decode(buf, start, end);
    this.bytes.set(buf.subarray(start, end), base);
    this.lengths[slot] = len + 1;
    this.strings[slot] = s;
    return s;
  }

  private matches(buf: Uint8Array, view: DataView, start: number, end: number, wordsEnd: number, base: number): boolean {
    const words = this.words;
    let i = start;
    let j = base;
    for (; i < wordsEnd; i += 4, j += 4) if (view.getInt32(i, true) !== words.getInt32(j, true)) return false;
    const bytes = this.bytes;
    for (; i < end; i++, j++) if (buf[i] !== bytes[j]) return false;
    return true;
  }
}
