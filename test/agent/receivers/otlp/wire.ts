// Reading the receiver's protobuf answers in tests, independently of the code under test: a
// generic proto3 field reader, and the two messages it answers with.

/** Every field of one message: field number → values (varints as numbers, bytes as Buffers). */
export function readFields(buf: Uint8Array): Map<number, (number | Buffer)[]> {
  const out = new Map<number, (number | Buffer)[]>();
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = buf[pos++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const field = Math.floor(key / 8);
    let value: number | Buffer;
    switch (key & 7) {
      case 0:
        value = varint();
        break;
      case 2: {
        const len = varint();
        value = Buffer.from(buf.subarray(pos, pos + len));
        pos += len;
        break;
      }
      default:
        throw new Error(`unexpected wire type ${key & 7}`);
    }
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

/** google.rpc.Status {code=1, message=2, details=3}. */
export function readStatus(buf: Uint8Array): { code: number; message: string; details: Buffer[] } {
  const f = readFields(buf);
  return {
    code: (f.get(1)?.[0] as number) ?? 0,
    message: (f.get(2)?.[0] as Buffer | undefined)?.toString('utf8') ?? '',
    details: (f.get(3) ?? []) as Buffer[],
  };
}

/** Export{Trace,Logs}ServiceResponse {partial_success=1 {rejected=1, error_message=2}}; null when unset. */
export function readPartialSuccess(buf: Uint8Array): { rejected: number; errorMessage: string } | null {
  const ps = readFields(buf).get(1)?.[0] as Buffer | undefined;
  if (!ps) return null;
  const f = readFields(ps);
  return { rejected: (f.get(1)?.[0] as number) ?? 0, errorMessage: (f.get(2)?.[0] as Buffer | undefined)?.toString('utf8') ?? '' };
}
