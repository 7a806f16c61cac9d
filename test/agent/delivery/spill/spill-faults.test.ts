// The spill buffer under the faults the model-based test (spill-model.test.ts) found it mishandled,
// one deterministic case each: a corrupt file found mid-drain, a file SQLite cannot read at all,
// and a full disk (a small tmpfs filled for real) during acknowledgement, recovery and start.
import { closeSync, copyFileSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openSpillBuffer, SpillDiskFullError, type SpillBuffer } from '../../../../agent/delivery/spill/index.ts';
import { salvageRecordCount } from '../../../../agent/delivery/spill/salvage-count.ts';
import { mountSmallTmpfs, type SmallTmpfs } from '../../../support/small-tmpfs.ts';

const open: SpillBuffer[] = [];
const dirs: string[] = [];
let disk: SmallTmpfs;
beforeAll(() => {
  disk = mountSmallTmpfs(1024 * 1024, 'faultline-spill-faults-');
});
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  disk.emptyFiller();
});
afterAll(() => disk?.unmount());

function tempPath(onTmpfs = false): string {
  const dir = mkdtempSync(join(onTmpfs ? disk.dir : tmpdir(), 'spill-'));
  dirs.push(dir);
  return join(dir, 'buffer.sqlite');
}

function openBuffer(path: string) {
  const opened = openSpillBuffer({ path, maxBytes: 10_000_000, synchronous: 'FULL', logger: pino({ level: 'silent' }) });
  open.push(opened.buffer);
  return opened;
}

function overwrite(path: string, offset: number, bytes: Buffer): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, bytes, 0, bytes.length, offset);
  closeSync(fd);
}

/** Garbage over the records table's root page, seen by the open buffer at its next read (another connection wrote). */
function corruptRecordsTable(path: string): void {
  const raw = new Database(path);
  const { rootpage } = raw.prepare("SELECT rootpage FROM sqlite_master WHERE name = 'records'").get() as { rootpage: number };
  raw.pragma('wal_checkpoint(TRUNCATE)');
  overwrite(path, (rootpage - 1) * 4096, Buffer.alloc(4096, 0x5a));
  raw.exec('INSERT INTO corrupt_records (seq, found_at_ms) VALUES (999, 1); DELETE FROM corrupt_records WHERE seq = 999');
  raw.close();
}

const records = (b: SpillBuffer) => b.peek(1_000).map((r) => r.record);

describe('spill buffer faults', () => {
  it('numbers on from a file moved aside mid-run, so acking a chunk read before it removes nothing appended after', () => {
    const path = tempPath();
    const { buffer } = openBuffer(path);
    buffer.append(['a', 'b'], 1);
    const held = buffer.peek(2); // a drain holds this chunk while it delivers it
    corruptRecordsTable(path);
    expect(records(buffer)).toEqual([]); // found corrupt: moved aside, its 2 records counted
    expect(buffer.stats().lostRecords).toBe(2);
    buffer.append(['c', 'd'], 2);
    buffer.ack(held[1].seq); // the drain finishes and acknowledges its chunk
    expect(records(buffer)).toEqual(['c', 'd']);
    expect(buffer.stats()).toMatchObject({ records: 2, lostRecords: 2 });
  });

  it('counts the records of a file whose header is destroyed, which SQLite cannot open', () => {
    const path = tempPath();
    const first = openBuffer(path).buffer;
    first.append(
      Array.from({ length: 50 }, (_, i) => `record ${i} `.repeat(30)),
      1,
    );
    first.close();
    overwrite(path, 0, Buffer.alloc(100, 0x00));
    const { buffer, quarantined } = openBuffer(path);
    expect(quarantined).toEqual({ path: `${path}.corrupt-1`, lostRecords: 50 });
    expect(buffer.stats()).toMatchObject({ records: 0, lostRecords: 50 });
  });

  it('moves aside a file whose damaged schema SQLite still reads but the buffer cannot use (a renamed column)', () => {
    // What a few damaged bytes in the schema page did in the exporter's model test: the table
    // exists, CREATE TABLE IF NOT EXISTS passes, and the first statement naming the column fails.
    const path = tempPath();
    const first = openBuffer(path).buffer;
    first.append(
      Array.from({ length: 20 }, (_, i) => `record ${i}`),
      1,
    );
    first.close();
    const file = readFileSync(path);
    const table = file.indexOf('CREATE TABLE corrupt_records');
    expect(table).toBeGreaterThan(0);
    overwrite(path, file.indexOf('seq', table), Buffer.from('sek'));
    const { buffer, quarantined } = openBuffer(path);
    expect(quarantined?.path).toBe(`${path}.corrupt-1`);
    buffer.append(['after'], 2);
    expect(buffer.peek(10).map((r) => r.record)).toEqual(['after']);
  });

  it('counts, reading the pages itself, the records a crashed buffer left in its write-ahead log and not those it acknowledged', () => {
    const path = tempPath();
    const crashed = openBuffer(path).buffer; // never closed: its records stay in the WAL, as after a SIGKILL
    crashed.append(
      Array.from({ length: 30 }, (_, i) => `in the wal ${i}`),
      1,
    );
    crashed.ack(crashed.peek(10)[9].seq);
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(salvageRecordCount(path)).toBe(20);
  });

  it('moves a file aside, counting what it held, when a damaged frame in its write-ahead log would make SQLite drop commits', () => {
    const path = tempPath();
    const crashed = openBuffer(path).buffer; // never closed, as after a SIGKILL: the log is not checkpointed
    const walSizes: number[] = [];
    for (let t = 0; t < 3; t++) {
      crashed.append(
        Array.from({ length: 10 }, (_, i) => `transaction ${t} record ${i}`),
        t,
      );
      walSizes.push(statSync(`${path}-wal`).size);
    }
    // What a SIGKILL leaves on disk: the file and its log, without the live WAL index (-shm).
    const copy = tempPath();
    copyFileSync(path, copy);
    copyFileSync(`${path}-wal`, `${copy}-wal`);
    // Inside the page of the second append's first frame (it starts where the first append's ended).
    overwrite(`${copy}-wal`, walSizes[0] + 24 + 2000, Buffer.alloc(64, 0xee));
    const { buffer, quarantined } = openBuffer(copy);
    // SQLite alone would have kept the first 10 and silently forgotten the 20 after the damage.
    expect(quarantined).toEqual({ path: `${copy}.corrupt-1`, lostRecords: 30 });
    expect(buffer.stats()).toMatchObject({ records: 0, lostRecords: 30 });
  });

  it('on a full disk, an ack either fails and keeps the chunk or succeeds and removes it, whatever room is left', () => {
    const outcomes = new Set<string>();
    for (let leave = 0; leave <= 64 * 1024; leave += 4096) {
      const path = tempPath(true);
      const { buffer } = openBuffer(path);
      buffer.append(['only'], 1);
      const [chunk] = buffer.peek(1);
      disk.fillLeaving(leave);
      let threw = false;
      try {
        buffer.ack(chunk.seq);
      } catch {
        threw = true; // the drain delivers the chunk again: it must still be there
      }
      disk.emptyFiller();
      expect(records(buffer), `leaving ${leave} bytes, the ack ${threw ? 'failed' : 'succeeded'}`).toEqual(threw ? ['only'] : []);
      expect(buffer.stats().records).toBe(threw ? 1 : 0);
      outcomes.add(threw ? 'failed' : 'succeeded');
      buffer.close();
    }
    expect(outcomes.has('succeeded')).toBe(true);
  });

  it('refuses appends as a full disk while it cannot start the fresh file after a quarantine, and takes them once there is room', () => {
    const path = tempPath(true);
    const { buffer } = openBuffer(path);
    buffer.append(['before'], 1);
    corruptRecordsTable(path);
    disk.fillLeaving(0);
    expect(() => buffer.append(['during'], 2)).toThrow(SpillDiskFullError);
    expect(buffer.stats()).toMatchObject({ records: 0, lostRecords: 1 });
    disk.emptyFiller();
    buffer.append(['after'], 3);
    expect(records(buffer)).toEqual(['after']);
  });

  it('opens on a full disk without failing or moving a healthy file aside, and takes the file up once there is room', () => {
    const path = tempPath(true);
    const first = openBuffer(path).buffer;
    first.append(['kept 1', 'kept 2'], 1);
    first.close();
    disk.fillLeaving(0);
    // SQLite cannot even create the WAL index here; the buffer opens anyway, without the file.
    const { buffer, quarantined } = openBuffer(path);
    expect(quarantined).toBeNull();
    expect(existsSync(`${path}.corrupt-1`)).toBe(false);
    expect(buffer.stats()).toMatchObject({ records: 0, lostRecords: 0 });
    expect(() => buffer.append(['refused'], 2)).toThrow(SpillDiskFullError);
    expect(() => buffer.peek(10)).toThrow();
    disk.emptyFiller();
    // The earlier run's records come first, then what is appended now; nothing was counted lost.
    buffer.append(['after'], 3);
    expect(records(buffer)).toEqual(['kept 1', 'kept 2', 'after']);
    expect(buffer.stats()).toMatchObject({ records: 3, lostRecords: 0 });
  });
});
