// Hand-made protobuf bytes for tests that need inputs no serializer would produce.

/** A varint; negatives as 64-bit two's complement (10 bytes), like int64 on the wire. */
export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

export const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The body of a length-delimited field: the concatenated parts. */
export const lengthDelimited = (...parts: Uint8Array[]): Uint8Array => concat(...parts);

/** A length-delimited field (wire type 2): tag, length, payload. */
export function field(number: number, payload: Uint8Array): Uint8Array {
  return concat(new Uint8Array([...varint((number << 3) | 2), ...varint(payload.length)]), payload);
}
