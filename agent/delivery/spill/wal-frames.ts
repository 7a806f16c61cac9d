// Reading a spill file's write-ahead log as SQLite lays it out (https://www.sqlite.org/walformat.html
// and fileformat2.html §4): a 32-byte header, then frames of a 24-byte header and one page, each
// with a checksum that runs on from the previous frame's. SQLite replays frames up to the first
// one that fails its checksum and forgets the rest; after a crash that is only a torn last frame,
// but a damaged frame in the middle (or a damaged header) makes it forget transactions it had
// committed, silently. Reading the frames ourselves tells the two apart.
import { existsSync, readFileSync } from 'node:fs';

const MAGIC_LE = 0x377f0682;
const MAGIC_BE = 0x377f0683;
const HEADER = 32;
const FRAME_HEADER = 24;

export interface WalFrame {
  pgno: number;
  /** Pages in the database after this commit; 0 when the frame is not the last of a transaction. */
  commitSize: number;
  page: Buffer;
  /** The frame's checksum holds, run on from the previous frame's stored checksum. */
  intact: boolean;
}

export interface WalFile {
  pageSize: number;
  /** The header's own checksum holds (else SQLite ignores every frame). */
  headerIntact: boolean;
  /** Frames of the log's current generation: from the start while they carry its salt (the header's, or when that is damaged the commonest). */
  frames: WalFrame[];
}

/** Pages as of the last commit a reader takes into account. */
export interface PageView {
  pages: Map<number, Buffer>;
  dbPages: number | null;
}

export function readWalFile(path: string): WalFile | null {
  if (!existsSync(path)) return null;
  const wal = readFileSync(path);
  if (wal.length < HEADER) return null;
  const magic = wal.readUInt32BE(0);
  const bigEndian = magic === MAGIC_BE;
  const headerIntact = (magic === MAGIC_LE || bigEndian) && sameSum(checksum(wal, 0, 24, [0, 0], bigEndian), wal, 24);
  const pageSize = validPageSize(wal.readUInt32BE(8)) ?? 4096;
  const frameBytes = FRAME_HEADER + pageSize;
  const salt = headerIntact ? wal.subarray(16, 24) : commonestSalt(wal, frameBytes);
  const frames: WalFrame[] = [];
  let previous: [number, number] = [wal.readUInt32BE(24), wal.readUInt32BE(28)];
  for (let at = HEADER; at + frameBytes <= wal.length; at += frameBytes) {
    if (!wal.subarray(at + 8, at + 16).equals(salt)) {
      if (headerIntact) break; // an older generation's leftovers
      continue; // a damaged frame, or leftovers: skipped
    }
    let sum = checksum(wal, at, at + 8, previous, bigEndian);
    sum = checksum(wal, at + FRAME_HEADER, at + frameBytes, sum, bigEndian);
    frames.push({
      pgno: wal.readUInt32BE(at),
      commitSize: wal.readUInt32BE(at + 4),
      page: wal.subarray(at + FRAME_HEADER, at + frameBytes),
      intact: sameSum(sum, wal, at + 16),
    });
    previous = [wal.readUInt32BE(at + 16), wal.readUInt32BE(at + 20)];
  }
  return { pageSize, headerIntact, frames };
}

/** Frames whose salt matches, damaged or not (a lenient view for counting what a broken file held). */
export function anyView(wal: WalFile): PageView {
  return committed(wal.frames);
}

/** True when SQLite would forget a transaction the writer committed: an intact commit frame past where replay stops. */
export function dropsCommits(wal: WalFile): boolean {
  return wal.frames.slice(replayEnd(wal)).some((f) => f.intact && f.commitSize > 0);
}

function replayEnd(wal: WalFile): number {
  if (!wal.headerIntact) return 0;
  const damaged = wal.frames.findIndex((f) => !f.intact);
  return damaged === -1 ? wal.frames.length : damaged;
}

function committed(frames: readonly WalFrame[]): PageView {
  const pages = new Map<number, Buffer>();
  let pending = new Map<number, Buffer>();
  let dbPages: number | null = null;
  for (const f of frames) {
    if (f.pgno > 0) pending.set(f.pgno, f.page);
    if (f.commitSize > 0) {
      for (const [n, p] of pending) pages.set(n, p);
      pending = new Map();
      dbPages = f.commitSize;
    }
  }
  return { pages, dbPages };
}

/** With the header damaged: the salt most frame slots carry (the current generation's, unless a frame is damaged there too). */
function commonestSalt(wal: Buffer, frameBytes: number): Buffer {
  const counts = new Map<string, number>();
  for (let at = HEADER; at + frameBytes <= wal.length; at += frameBytes) {
    const key = wal.subarray(at + 8, at + 16).toString('hex');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1])[0];
  return best ? Buffer.from(best[0], 'hex') : wal.subarray(16, 24);
}

/** The WAL checksum: pairs of 32-bit words, s0 += x0 + s1, s1 += x1 + s0. */
function checksum(buf: Buffer, start: number, end: number, seed: [number, number], bigEndian: boolean): [number, number] {
  let [s0, s1] = seed;
  for (let i = start; i + 8 <= end; i += 8) {
    const x0 = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
    const x1 = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
    s0 = (s0 + x0 + s1) >>> 0;
    s1 = (s1 + x1 + s0) >>> 0;
  }
  return [s0, s1];
}

function sameSum(sum: [number, number], buf: Buffer, at: number): boolean {
  return sum[0] === buf.readUInt32BE(at) && sum[1] === buf.readUInt32BE(at + 4);
}

export function validPageSize(n: number): number | null {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0 ? n : null;
}
