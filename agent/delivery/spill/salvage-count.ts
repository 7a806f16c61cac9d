// Counting the records a damaged spill file held without asking SQLite, which refuses a file whose
// header or b-tree is broken: the pages are read as the documented file format lays them out
// (https://www.sqlite.org/fileformat2.html), each at its newest version (the WAL's, else the main
// file's). Two counts, the larger wins, so a record is never lost uncounted:
//   - cells shaped like a `records` row, through the page's cell pointers, or by scanning the page
//     for them when its header is damaged;
//   - the seq range still owed: the highest seq handed out (sqlite_sequence) minus the highest
//     acknowledged (the watermark table), which holds even when the record pages are destroyed.
// Either may overstate (a stale copy, records moved aside), never understate what the file held.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { anyView, dropsCommits, readWalFile, validPageSize, type WalFile } from './wal-frames.ts';

const TABLE_LEAF = 0x0d;

/** At most how many records the file (and its WAL) held; 0 when nothing recognizable is left. */
export function salvageRecordCount(path: string): number {
  const wal = readWalFile(`${path}-wal`);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readAt(fd, 0, 100);
    const pageSize = validPageSize(header.length === 100 ? pageSizeField(header) : 0) ?? wal?.pageSize ?? 4096;
    const view = wal && anyView(wal);
    const pageCount = Math.max(view?.dbPages ?? 0, Math.ceil(size / pageSize));
    const page = (n: number) => view?.pages.get(n) ?? readAt(fd, (n - 1) * pageSize, pageSize);
    const free = freelistPages(page(1), page, pageCount);
    const seqs = new Set<number>();
    const images: Buffer[] = [];
    for (let n = 1; n <= pageCount; n++) {
      const p = page(n);
      images.push(p);
      if (!free.has(n) && p.length === pageSize) collectRecordSeqs(p, n === 1 ? 100 : 0, seqs);
    }
    for (const f of wal?.frames ?? []) images.push(f.page); // older versions still carry the counters
    return Math.max(seqs.size, owedRange(images));
  } finally {
    closeSync(fd);
  }
}

/** True when SQLite, opening the file, would forget transactions its writer committed (a damaged WAL). */
export function logDropsCommits(path: string): boolean {
  const wal: WalFile | null = readWalFile(`${path}-wal`);
  return wal !== null && dropsCommits(wal);
}

/** Highest seq handed out minus highest acknowledged, from any page image holding the two counters. */
function owedRange(images: readonly Buffer[]): number {
  let handedOut: number | null = null;
  let acked: number | null = null;
  for (const image of images) {
    // Both counters only grow, so the largest copy found is the newest.
    for (const v of counterValues(image, 'records')) handedOut = Math.max(handedOut ?? 0, v);
    for (const v of counterValues(image, 'acked_up_to')) acked = Math.max(acked ?? 0, v);
  }
  return handedOut === null || acked === null ? 0 : Math.max(0, handedOut - acked);
}

/** Values of (name TEXT, value INTEGER) rows named `name`: sqlite_sequence's and the watermark's. */
function* counterValues(image: Buffer, name: string): Generator<number> {
  const text = Buffer.from(name, 'latin1');
  const textType = 2 * text.length + 13;
  for (let at = image.indexOf(text); at >= 3; at = image.indexOf(text, at + 1)) {
    // Record header: 3 bytes long, then the text's and the integer's serial types, then the body.
    if (image[at - 3] !== 3 || image[at - 2] !== textType) continue;
    const value = readInt(image, at + text.length, image[at - 1]);
    if (value !== null) yield value;
  }
}

/** Trunk and leaf pages of the freelist: no longer part of any table, though they may still hold old cells. */
function freelistPages(page1: Buffer, page: (n: number) => Buffer, pageCount: number): Set<number> {
  const free = new Set<number>();
  if (page1.length < 100 || page1.subarray(0, 16).toString('latin1') !== 'SQLite format 3\u0000') return free;
  let trunk = page1.readUInt32BE(32);
  while (trunk > 0 && trunk <= pageCount && !free.has(trunk)) {
    free.add(trunk);
    const p = page(trunk);
    if (p.length < 8) break;
    const leaves = Math.min(p.readUInt32BE(4), (p.length - 8) / 4);
    for (let i = 0; i < leaves; i++) free.add(p.readUInt32BE(8 + 4 * i));
    trunk = p.readUInt32BE(0);
  }
  return free;
}

/** Adds the seq of every records-shaped cell: through the cell pointers, or by scanning a damaged page. */
function collectRecordSeqs(page: Buffer, headerAt: number, seqs: Set<number>): void {
  const cells = page.length > headerAt + 8 ? page.readUInt16BE(headerAt + 3) : 0;
  const pointersEnd = headerAt + 8 + 2 * cells;
  const looksLikeLeaf = page[headerAt] === TABLE_LEAF && pointersEnd <= page.length;
  if (looksLikeLeaf) {
    let found = 0;
    for (let p = headerAt + 8; p < pointersEnd; p += 2) {
      const seq = recordCellSeq(page, page.readUInt16BE(p));
      if (seq !== null) {
        seqs.add(seq);
        found++;
      }
    }
    if (found === cells) return; // every pointer led to a records row: the page is whole
  }
  // A damaged header or pointer array hides cells that may still be intact: look everywhere.
  for (let at = 0; at < page.length - 8; at++) {
    const seq = recordCellSeq(page, at);
    if (seq !== null) seqs.add(seq);
  }
}

/** The seq of a records row (rowid alias, int, int, int, text) whose sizes add up; else null. */
function recordCellSeq(page: Buffer, at: number): number | null {
  const payloadLength = varint(page, at);
  if (!payloadLength) return null;
  const rowid = varint(page, payloadLength.next);
  if (!rowid || rowid.value <= 0) return null;
  const headerLength = varint(page, rowid.next);
  if (!headerLength || headerLength.value < 6 || headerLength.value > 16) return null;
  const types: number[] = [];
  let p = headerLength.next;
  const end = rowid.next + headerLength.value;
  while (p < end && types.length < 6) {
    const t = varint(page, p);
    if (!t) return null;
    types.push(t.value);
    p = t.next;
  }
  const intSize = (t: number) => [0, 1, 2, 3, 4, 6, 8, -1, 0, 0][t] ?? -1;
  if (p !== end || types.length !== 5 || types[0] !== 0) return null;
  if (![types[1], types[2], types[3]].every((t) => t <= 9 && t !== 7 && intSize(t) >= 0) || types[4] < 13 || types[4] % 2 === 0)
    return null;
  const bodyLength = intSize(types[1]) + intSize(types[2]) + intSize(types[3]) + (types[4] - 13) / 2;
  return payloadLength.value === headerLength.value + bodyLength ? rowid.value : null;
}

/** A big-endian integer of SQLite serial type 1–6, 8 (0) or 9 (1); null for anything else. */
function readInt(buf: Buffer, at: number, type: number): number | null {
  if (type === 8) return 0;
  if (type === 9) return 1;
  const size = [0, 1, 2, 3, 4, 6, 8][type];
  if (!size || at + size > buf.length) return null;
  return Number(buf.readIntBE(at, Math.min(size, 6)) * (size === 8 ? 2 ** 16 : 1) + (size === 8 ? buf.readUInt16BE(at + 6) : 0));
}

/** SQLite's big-endian varint (1–9 bytes); null when it runs off the page. */
function varint(buf: Buffer, at: number): { value: number; next: number } | null {
  let value = 0;
  for (let i = 0; i < 9; i++) {
    if (at + i >= buf.length) return null;
    const byte = buf[at + i];
    if (i === 8) return { value: value * 256 + byte, next: at + 9 };
    value = value * 128 + (byte & 0x7f);
    if (byte < 0x80) return { value, next: at + i + 1 };
  }
  return null;
}

function pageSizeField(header: Buffer): number {
  const raw = header.readUInt16BE(16);
  return raw === 1 ? 65536 : raw;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}
