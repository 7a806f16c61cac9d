// A tolerant reader for Python literal reprs: LiteLLM's safe_set_attribute stores dicts with
// str(), so `metadata.usage_object` arrives as "{'prompt_tokens': 12, 'x': None}", not JSON.
// Handles quoted strings with escapes, None/True/False, numbers (inf/nan too), dicts, lists,
// tuples, sets, and pydantic-style reprs `Name(key=value, …)` (read as dicts). Never throws:
// anything it cannot read yields undefined.

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

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v', a: '\x07', '0': '\0', '\\': '\\', "'": "'", '"': '"', '\n': '' };
const MAX_DEPTH = 64;

class LiteralReader {
  private pos = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos])) this.pos++;
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
    if ((word === 'b' || word === 'u' || word === 'r' || word === 'rb' || word === 'br') && (this.s[this.pos] === "'" || this.s[this.pos] === '"')) {
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
    while (this.pos < this.s.length && /[A-Za-z0-9_.]/.test(this.s[this.pos])) this.pos++;
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
      dict[keyOf(first)] = this.value();
      while (this.take(',')) {
        if (this.take('}')) return this.leave(dict);
        const key = this.value();
        this.expect(':');
        dict[keyOf(key)] = this.value();
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
      if (name !== '' && this.take('=')) named[name] = this.value();
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
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) throw new Unreadable();
      if (c === quote && (!triple || this.s.startsWith(quote.repeat(3), this.pos))) {
        this.pos += triple ? 3 : 1;
        return out;
      }
      if (c === '\\' && !raw) {
        out += this.escape();
        continue;
      }
      out += c;
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
      return String.fromCodePoint(parseInt(hex, 16));
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
    while (this.pos < this.s.length && /[0-9_.eE+\-xXa-fA-FjJ]/.test(this.s[this.pos])) {
      // A sign is only part of the number right after an exponent marker.
      const c = this.s[this.pos];
      if ((c === '+' || c === '-') && !/[eE]/.test(this.s[this.pos - 1])) break;
      this.pos++;
    }
    const text = this.s.slice(start, this.pos).replace(/_/g, '');
    const n = Number(text);
    if (text === '' || !Number.isFinite(n)) throw new Unreadable();
    return n;
  }
}

function keyOf(key: PythonValue): string {
  if (typeof key === 'string') return key;
  if (key === null) return 'None';
  if (typeof key === 'boolean') return key ? 'True' : 'False';
  if (typeof key === 'number') return String(key);
  throw new Unreadable();
}
