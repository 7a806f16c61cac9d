// Counting the records a damaged spill file held without asking SQLite, which refuses a file whose
// header or b-tree is broken: the pages are read as the documented file format lays them out
// (https://www.sqlite.org/fileformat2.html), each at its newest committed version (the WAL's, else
// the main file's), and every cell of a table leaf shaped like a `records` row counts once by its
// seq. Stale copies can only add to the count, never hide a record: it is an upper bound, which is
// what a loss counter needs (a record is never lost uncounted).
import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';

const WAL_MAGIC = new Set([0x377f0682, 0x377f0683]);
const WAL_HEADER = 32;
const FRAME_HEADER = 24;
const TABLE_LEAF = 0x0d;

/** Records-table rows found in the file and its WAL; 0 when nothing recognizable is left. */
export function salvageRecordCount(path: string): number {
  const wal = readWal(`${path}-wal`);
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const header = readAt(fd, 0, 100);
    const pageSize = validPageSize(header.length === 100 ? pageSizeField(header) : 0) ?? wal?.pageSize ?? 4096;
    const pageCount = wal?.dbPages ?? Math.ceil(size / pageSize);
    const page1 = wal?.pages.get(1) ?? readAt(fd, 0, pageSize);
    const free = freelistPages(page1, (n) => wal?.pages.get(n) ?? readAt(fd, (n - 1) * pageSize, pageSize), pageCount);
    const seqs = new Set<number>();
    for (let n = 1; n <= pageCount; n++) {
      if (free.has(n)) continue;
      const page = wal?.pages.get(n) ?? readAt(fd, (n - 1) * pageSize, pageSize);
      if (page.length === pageSize) collectRecordSeqs(page, n === 1 ? 100 : 0, seqs);
    }
    return seqs.size;
  } finally {
    closeSync(fd);
  }
}

interface Wal {
  pageSize: number;
  /** Newest committed version of each page. */
  pages: Map<number, Buffer>;
  /** Pages in the database as of the last commit. */
  dbPages: number | null;
}

function readWal(path: string): Wal | null {
  if (!existsSync(path)) return null;
  const fd = openSync(path, 'r');
  try {
    const header = readAt(fd, 0, WAL_HEADER);
    if (header.length < WAL_HEADER || !WAL_MAGIC.has(header.readUInt32BE(0))) return null;
    const pageSize = validPageSize(header.readUInt32BE(8));
    if (pageSize === null) return null;
    const salt = [header.readUInt32BE(16), header.readUInt32BE(20)];
    const pages = new Map<number, Buffer>();
    let pending = new Map<number, Buffer>();
    let dbPages: number | null = null;
    // Frames of this WAL generation carry its salt; a commit frame makes the frames before it count.
    for (let at = WAL_HEADER; ; at += FRAME_HEADER + pageSize) {
      const frame = readAt(fd, at, FRAME_HEADER + pageSize);
      if (frame.length < FRAME_HEADER + pageSize) break;
      if (frame.readUInt32BE(8) !== salt[0] || frame.readUInt32BE(12) !== salt[1]) break;
      const pgno = frame.readUInt32BE(0);
      if (pgno > 0) pending.set(pgno, frame.subarray(FRAME_HEADER));
      const commitSize = frame.readUInt32BE(4);
      if (commitSize > 0) {
        for (const [n, p] of pending) pages.set(n, p);
        pending = new Map();
        dbPages = commitSize;
      }
    }
    return { pageSize, pages, dbPages };
  } finally {
    closeSync(fd);
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

/** Adds the seq of every cell on this page shaped like a records row (rowid, int, int, int, text). */
function collectRecordSeqs(page: Buffer, headerAt: number, seqs: Set<number>): void {
  if (page[headerAt] !== TABLE_LEAF) return;
  const cells = page.readUInt16BE(headerAt + 3);
  for (let i = 0; i < cells; i++) {
    const pointer = headerAt + 8 + 2 * i;
    if (pointer + 2 > page.length) return;
    const seq = recordCellSeq(page, page.readUInt16BE(pointer));
    if (seq !== null) seqs.add(seq);
  }
}

function recordCellSeq(page: Buffer, at: number): number | null {
  const payloadLength = varint(page, at);
  if (!payloadLength) return null;
  const rowid = varint(page, payloadLength.next);
  if (!rowid) return null;
  const headerLength = varint(page, rowid.next);
  if (!headerLength || headerLength.value > 64) return null;
  const types: number[] = [];
  let p = headerLength.next;
  const end = rowid.next + headerLength.value;
  while (p < end && types.length < 6) {
    const t = varint(page, p);
    if (!t) return null;
    types.push(t.value);
    p = t.next;
  }
  const isInt = (t: number) => (t >= 1 && t <= 6) || t === 8 || t === 9;
  const isText = (t: number) => t >= 13 && t % 2 === 1;
  const shaped =
    p === end && types.length === 5 && types[0] === 0 && isInt(types[1]) && isInt(types[2]) && isInt(types[3]) && isText(types[4]);
  return shaped && rowid.value > 0 ? rowid.value : null;
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

function validPageSize(n: number): number | null {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0 ? n : null;
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, position);
  return n === length ? buf : buf.subarray(0, n);
}
