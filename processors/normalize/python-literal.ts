// A tolerant reader for Python literal reprs: LiteLLM's safe_set_attribute stores dicts with
// str(), so `metadata.usage_object` arrives as "{'prompt_tokens': 12, 'x': None}", not JSON.
// Handles quoted strings with escapes, None/True/False, numbers (inf/nan too), dicts, lists,
// tuples, sets, and pydantic-style reprs `Name(key=value, …)` (read as dicts). Never throws:
// anything it cannot read yields undefined. Escapes of NUL and of surrogates (\x00, \0, \ud800;
// in Python each \ud8xx is a lone surrogate) read as U+FFFD, which PostgreSQL can store.

import { REPLACEMENT, storableCodePoint } from '../../agent/core/model/storable-text.ts';

export type PythonValue = string | number | boolean | null | PythonValue[] | { [key: string]: PythonValue };

class Unreadable extends Error {}

export function parsePythonLiteral(text: string): PythonValue | undefined {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    reader.skipSpace();
    return reader.atEnd() ? value : undefined;
  } catch (err) {
    if (err instanceof Unreadable || err instanceof RangeError) return undefined;
    throw err;
  }
}

const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  b: '\b',
  f: '\f',
  v: '\v',
  a: '\x07',
  '0': REPLACEMENT,
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};
const MAX_DEPTH = 64;

class LiteralReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  skipSpace(): void {
    while (this.pos < this.s.length && isSpace(this.s.charCodeAt(this.pos))) this.pos++;
  }

  value(): PythonValue {
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === undefined) throw new Unreadable();
    if (c === '{') return this.dictOrSet();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === "'" || c === '"') return this.string();
    if (c === '-' || c === '+' || c === '.' || (c >= '0' && c <= '9')) return this.number();
    const word = this.identifier();
    if (
      (word === 'b' || word === 'u' || word === 'r' || word === 'rb' || word === 'br') &&
      (this.s[this.pos] === "'" || this.s[this.pos] === '"')
    ) {
      return this.string(word.includes('r'));
    }
    switch (word) {
      case 'None':
        return null;
      case 'True':
        return true;
      case 'False':
        return false;
      case 'inf':
        return Infinity;
      case 'nan':
        return NaN;
    }
    if (word !== '' && this.s[this.pos] === '(') return this.call();
    throw new Unreadable();
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH) throw new Unreadable();
  }

  private identifier(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isIdentifierChar(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private expect(c: string): void {
    this.skipSpace();
    if (this.s[this.pos] !== c) throw new Unreadable();
    this.pos++;
  }

  /** True (and consumes it) when the next non-space char is `c`. */
  private take(c: string): boolean {
    this.skipSpace();
    if (this.s[this.pos] !== c) return false;
    this.pos++;
    return true;
  }

  private dictOrSet(): PythonValue {
    this.enter();
    this.pos++; // {
    if (this.take('}')) {
      this.depth--;
      return {};
    }
    const first = this.value();
    if (this.take(':')) {
      const dict: Record<string, PythonValue> = {};
      setKey(dict, keyOf(first), this.value());
      while (this.take(',')) {
        if (this.take('}')) return this.leave(dict);
        const key = this.value();
        this.expect(':');
        setKey(dict, keyOf(key), this.value());
      }
      this.expect('}');
      return this.leave(dict);
    }
    const items = [first];
    while (this.take(',')) {
      if (this.take('}')) return this.leave(items);
      items.push(this.value());
    }
    this.expect('}');
    return this.leave(items);
  }

  private sequence(close: string): PythonValue[] {
    this.enter();
    this.pos++;
    const items: PythonValue[] = [];
    if (this.take(close)) return this.leave(items);
    items.push(this.value());
    while (this.take(',')) {
      if (this.take(close)) return this.leave(items);
      items.push(this.value());
    }
    this.expect(close);
    return this.leave(items);
  }

  /** `Name(a=1, b=None)` as {a: 1, b: null}; positional arguments make it a list. */
  private call(): PythonValue {
    this.enter();
    this.pos++; // (
    const named: Record<string, PythonValue> = {};
    const positional: PythonValue[] = [];
    if (this.take(')')) return this.leave(named);
    do {
      if (this.take(')')) return this.leave(positional.length > 0 ? positional : named);
      this.skipSpace();
      const mark = this.pos;
      const name = this.identifier();
      if (name !== '' && this.take('=')) setKey(named, name, this.value());
      else {
        this.pos = mark;
        positional.push(this.value());
      }
    } while (this.take(','));
    this.expect(')');
    return this.leave(positional.length > 0 ? positional : named);
  }

  private leave<T>(v: T): T {
    this.depth--;
    return v;
  }

  private string(raw = false): string {
    const quote = this.s[this.pos];
    const triple = this.s.startsWith(quote.repeat(3), this.pos);
    this.pos += triple ? 3 : 1;
    let out = '';
    let runStart = this.pos;
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) throw new Unreadable();
      if (c === quote && (!triple || this.s.startsWith(quote.repeat(3), this.pos))) {
        out += this.s.slice(runStart, this.pos);
        this.pos += triple ? 3 : 1;
        return out;
      }
      if (c === '\\' && !raw) {
        out += this.s.slice(runStart, this.pos) + this.escape();
        runStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private escape(): string {
    const c = this.s[this.pos + 1];
    if (c === undefined) throw new Unreadable();
    const hexLength = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
    if (hexLength > 0) {
      const hex = this.s.slice(this.pos + 2, this.pos + 2 + hexLength);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== hexLength) throw new Unreadable();
      this.pos += 2 + hexLength;
      return storableCodePoint(parseInt(hex, 16));
    }
    this.pos += 2;
    // Python keeps unknown escapes as written (backslash included).
    return ESCAPES[c] ?? `\\${c}`;
  }

  private number(): number {
    const start = this.pos;
    if (this.s[this.pos] === '-' || this.s[this.pos] === '+') this.pos++;
    if (this.s.startsWith('inf', this.pos)) {
      this.pos += 3;
      return this.s[start] === '-' ? -Infinity : Infinity;
    }
    const hex = this.s[this.pos] === '0' && (this.s[this.pos + 1] === 'x' || this.s[this.pos + 1] === 'X');
    if (hex) this.pos += 2;
    let underscores = false;
    while (this.pos < this.s.length) {
      const c = this.s.charCodeAt(this.pos);
      const prev = this.s.charCodeAt(this.pos - 1);
      const isDigit = c >= 0x30 && c <= 0x39;
      const isHexLetter = hex && ((c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46));
      const isExponent = !hex && (c === 0x65 || c === 0x45);
      // A sign is only part of the number right after an exponent marker.
      const isSign = (c === 0x2b || c === 0x2d) && !hex && (prev === 0x65 || prev === 0x45);
      if (c === 0x5f) underscores = true;
      else if (!isDigit && !isHexLetter && !isExponent && !isSign && c !== 0x2e) break;
      this.pos++;
    }
    const raw = this.s.slice(start, this.pos);
    const text = underscores ? raw.replaceAll('_', '') : raw;
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) throw new Unreadable();
    return n;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isIdentifierChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x2e;
}

// A `__proto__` key must become an own property, never the dict's prototype.
function setKey(dict: Record<string, PythonValue>, key: string, value: PythonValue): void {
  if (key === '__proto__') Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  else dict[key] = value;
}

function keyOf(key: PythonValue): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (typeof key === 'number') return String(key);
  throw new Unreadable();
}
