// The per-record checksum: CRC-32 (zlib's, as Vector and Fluent Bit use a CRC) over the append
// time and the text, so a flipped bit in either is caught when the record is read back.
import { crc32 } from 'node:zlib';

export function recordChecksum(record: string, appendedAtMs: number): number {
  return crc32(record, crc32(String(appendedAtMs)));
}
