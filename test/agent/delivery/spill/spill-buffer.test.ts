import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openSpillBuffer, RECORD_OVERHEAD_BYTES, SpillBufferFullError, type SpillBuffer } from '../../../../agent/delivery/spill/index.ts';

const open: SpillBuffer[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-spill-'));
  dirs.push(dir);
  return join(dir, 'buffer.sqlite');
}

function openBuffer(path: string, maxBytes = 1_000_000) {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => lines.push(JSON.parse(l)) });
  const opened = openSpillBuffer({ path, maxBytes, synchronous: 'FULL', logger });
  open.push(opened.buffer);
  return { ...opened, lines };
}

const size = (text: string) => Buffer.byteLength(text) + RECORD_OVERHEAD_BYTES;

describe('spill buffer', () => {
  it('returns records oldest first across appends, with their append time', () => {
    const { buffer } = openBuffer(tempPath());
    buffer.append(['a', 'b'], 1_000);
    buffer.append(['c'], 2_000);
    const got = buffer.peek(10);
    expect(got.map((r) => r.record)).toEqual(['a', 'b', 'c']);
    expect(got.map((r) => r.appendedAtMs)).toEqual([1_000, 1_000, 2_000]);
    expect(got[0].seq).toBeLessThan(got[1].seq);
    expect(got[1].seq).toBeLessThan(got[2].seq);
  });

  it('peeks without removing and acks remove up to the given seq', () => {
    const { buffer } = openBuffer(tempPath());
    buffer.append(['a', 'b', 'c', 'd'], 1_000);
    const first = buffer.peek(2);
    expect(first.map((r) => r.record)).toEqual(['a', 'b']);
    expect(buffer.peek(2).map((r) => r.record)).toEqual(['a', 'b']);
    buffer.ack(first[1].seq);
    expect(buffer.peek(10).map((r) => r.record)).toEqual(['c', 'd']);
    expect(buffer.stats()).toMatchObject({ records: 2, bytes: size('c') + size('d'), oldestAppendedAtMs: 1_000, lostRecords: 0 });
  });

  it('reports an empty buffer as zero records, zero bytes and no oldest record', () => {
    const { buffer } = openBuffer(tempPath());
    buffer.append(['x'], 5);
    buffer.ack(buffer.peek(1)[0].seq);
    expect(buffer.stats()).toEqual({ records: 0, bytes: 0, oldestAppendedAtMs: null, lostRecords: 0 });
  });

  it('refuses a whole append that would pass the byte cap, storing none of its records', () => {
    const { buffer } = openBuffer(tempPath(), size('aaaa') * 3);
    buffer.append(['aaaa', 'aaaa'], 1);
    expect(() => buffer.append(['aaaa', 'aaaa'], 2)).toThrow(SpillBufferFullError);
    expect(buffer.peek(10).map((r) => r.appendedAtMs)).toEqual([1, 1]);
    expect(buffer.stats().records).toBe(2);
    // the cap counts what is held: after an ack there is room again
    buffer.ack(buffer.peek(1)[0].seq);
    buffer.append(['aaaa', 'aaaa'], 3);
    expect(buffer.stats()).toMatchObject({ records: 3, bytes: size('aaaa') * 3 });
  });

  it('says in the refusal how full the buffer is and what to do', () => {
    const path = tempPath();
    const { buffer } = openBuffer(path, 100);
    const err = (() => {
      try {
        buffer.append(['x'.repeat(200)], 1);
      } catch (e) {
        return e as SpillBufferFullError;
      }
      throw new Error('append did not throw');
    })();
    expect(err).toBeInstanceOf(SpillBufferFullError);
    expect(err.message).toContain(path);
    expect(err.message).toContain('max_bytes');
    expect(err.maxBytes).toBe(100);
    expect(err.neededBytes).toBe(size('x'.repeat(200)));
  });

  it('keeps records, order and sequence numbers across close and reopen', () => {
    const path = tempPath();
    const first = openBuffer(path).buffer;
    first.append(['a', 'b', 'c'], 10);
    const seqs = first.peek(3).map((r) => r.seq);
    first.ack(seqs[2]);
    first.append(['d', 'e'], 20);
    first.close();
    first.close(); // safe twice

    const { buffer, quarantined } = openBuffer(path);
    expect(quarantined).toBeNull();
    const got = buffer.peek(10);
    expect(got.map((r) => r.record)).toEqual(['d', 'e']);
    // seq is never reused, even after the buffer was empty, so an old ack can never remove new records
    expect(got[0].seq).toBeGreaterThan(seqs[2]);
    expect(buffer.stats()).toMatchObject({ records: 2, bytes: size('d') + size('e'), oldestAppendedAtMs: 20 });
  });

  it('moves a record that fails its checksum aside, counts and logs it, and returns the others', () => {
    const path = tempPath();
    const { buffer, lines } = openBuffer(path);
    buffer.append(['{"n":1}', '{"n":2}', '{"n":3}'], 7);
    const [, second] = buffer.peek(3);
    // bit rot under the agent: the stored text no longer matches its checksum
    const raw = new Database(path);
    raw.prepare('UPDATE records SET record = ? WHERE seq = ?').run('{"n":9}', second.seq);
    raw.close();

    expect(buffer.peek(10).map((r) => r.record)).toEqual(['{"n":1}', '{"n":3}']);
    expect(buffer.stats()).toMatchObject({ records: 2, lostRecords: 1 });
    const log = lines.find((l) => String(l.msg).includes('failed their checksum'));
    expect(log).toMatchObject({ level: 50, lostRecords: 1, seqs: [second.seq] });

    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT seq, record FROM corrupt_records').all()).toEqual([{ seq: second.seq, record: '{"n":9}' }]);
    check.close();
  });

  it('quarantines a file that is not a database, starts fresh, and reports the loss', () => {
    const path = tempPath();
    writeFileSync(path, 'this is not an SQLite file, it is what a torn disk write leaves behind'.repeat(100));
    const { buffer, quarantined, lines } = openBuffer(path);
    expect(quarantined).toEqual({ path: `${path}.corrupt-1`, lostRecords: 0 }); // read page by page: no record in it
    expect(existsSync(`${path}.corrupt-1`)).toBe(true);
    buffer.append(['after'], 1);
    expect(buffer.peek(1).map((r) => r.record)).toEqual(['after']);
    const log = lines.find((l) => l.quarantinedAs === `${path}.corrupt-1`);
    expect(log?.level).toBe(50);
    expect(String(log?.msg)).toContain('inspect');
  });

  it('quarantines a damaged database, counting the records it can still read', () => {
    const path = tempPath();
    const first = openBuffer(path).buffer;
    first.append(
      Array.from({ length: 200 }, (_, i) => `record ${i} `.repeat(20)),
      1,
    );
    first.close();
    // Damage an interior page (not the header): SQLite opens the file, the integrity check fails.
    const raw = new Database(path);
    raw.pragma('journal_mode = DELETE');
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    const fd = openSync(path, 'r+');
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, pageSize * 3);
    closeSync(fd);

    const { buffer, quarantined } = openBuffer(path);
    expect(quarantined?.path).toBe(`${path}.corrupt-1`);
    expect(buffer.stats()).toMatchObject({ records: 0 });
    expect(buffer.stats().lostRecords).toBe(quarantined?.lostRecords ?? 0);
  });

  it('numbers successive quarantined files so none overwrites another', () => {
    const path = tempPath();
    writeFileSync(path, 'garbage'.repeat(1000));
    openBuffer(path).buffer.close();
    writeFileSync(`${path}`, 'more garbage'.repeat(1000));
    const { quarantined } = openBuffer(path);
    expect(quarantined?.path).toBe(`${path}.corrupt-2`);
    expect(existsSync(`${path}.corrupt-1`)).toBe(true);
  });
});
