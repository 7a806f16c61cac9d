// Model-based test of the spill buffer on its own (fast-check commands against a plain queue):
// append, peek (a drain taking a chunk), acknowledge (the chunk delivered), reopen (a restart),
// disk full (a small tmpfs filled for real) and corrupt page (bytes of the file overwritten).
// After every step the buffer must hold the model's records in order, minus only records it has
// counted as lost; with no corruption nothing may be missing or counted. The exporter with
// PostgreSQL and the SIGKILL crashes are in test/exporters/postgres/spill-model-*.test.ts.
import { closeSync, existsSync, openSync, readdirSync, readlinkSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openSpillBuffer,
  RECORD_OVERHEAD_BYTES,
  SpillBufferFullError,
  SpillDiskFullError,
  type SpillBuffer,
} from '../../../../agent/delivery/spill/index.ts';
import { mountSmallTmpfs, type SmallTmpfs } from '../../../support/small-tmpfs.ts';

/** Sequences run here (the exporter and crash files run the rest of the 10,000). */
const RUNS = Number(process.env.SPILL_MODEL_BUFFER_RUNS ?? 2_000);
const MAX_BYTES = 64 * 1024;
const PAGE = 4096;

interface Model {
  /** Appended and not acknowledged, oldest first. */
  queue: string[];
  /** The chunk a drain took and has not acknowledged yet. */
  held: { texts: Set<string>; lastSeq: number } | null;
  /** Records found missing without an acknowledgement. */
  vanished: number;
  /** Losses counted by buffers already closed in this sequence. */
  lostBefore: number;
  corrupted: boolean;
  diskFull: boolean;
  nextId: number;
}

interface Real {
  buffer: SpillBuffer;
  path: string;
}

let disk: SmallTmpfs;
beforeAll(() => {
  disk = mountSmallTmpfs(1024 * 1024, 'faultline-spill-model-');
});
afterAll(() => disk?.unmount());

const logger = pino({ level: 'silent' });
const open = (path: string) => openSpillBuffer({ path, maxBytes: MAX_BYTES, synchronous: 'FULL', logger });
const cost = (text: string) => Buffer.byteLength(text) + RECORD_OVERHEAD_BYTES;
/** What reading or acknowledging may throw on a full disk (SQLite says SQLITE_FULL or an I/O error). */
const isDiskFull = (err: unknown) =>
  err instanceof SpillDiskFullError || /^SQLITE_(FULL|IOERR)/.test(String((err as { code?: unknown }).code)) || /ENOSPC/.test(String(err));

/** Everything the buffer would deliver now, checked against the model; the model learns what vanished. */
function verify(m: Model, r: Real): void {
  let actual: string[];
  try {
    actual = r.buffer.peek(1_000_000).map((x) => x.record);
  } catch (err) {
    if (m.diskFull && isDiskFull(err)) return; // moving corrupt records aside needs space; checked once there is some
    throw err;
  }
  // In order, and nothing that was not appended: `actual` is a subsequence of the queue.
  const present = new Set(actual);
  expect(present.size).toBe(actual.length);
  let i = 0;
  for (const text of m.queue) if (i < actual.length && actual[i] === text) i++;
  expect(i, `the buffer returned records out of order or never appended: ${actual.slice(i, i + 3).join(', ')}`).toBe(actual.length);
  const missing = m.queue.filter((t) => !present.has(t));
  m.vanished += missing.length;
  m.queue = actual;
  if (m.held) for (const t of missing) m.held.texts.delete(t);
  const stats = r.buffer.stats();
  const counted = m.lostBefore + stats.lostRecords;
  expect(m.vanished, `${m.vanished} records vanished but only ${counted} were counted lost`).toBeLessThanOrEqual(counted);
  if (!m.corrupted) {
    expect(counted).toBe(0);
    expect(stats.records).toBe(actual.length);
    expect(stats.bytes).toBe(actual.reduce((s, t) => s + cost(t), 0));
  }
}

class Append implements fc.Command<Model, Real> {
  constructor(
    readonly count: number,
    readonly size: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const texts = Array.from({ length: this.count }, () => `r${m.nextId++}:${'x'.repeat(this.size)}`);
    const needed = texts.reduce((s, t) => s + cost(t), 0);
    const overCap = m.queue.reduce((s, t) => s + cost(t), 0) + needed > MAX_BYTES;
    try {
      r.buffer.append(texts, m.nextId);
      m.queue.push(...texts);
      if (!m.corrupted) expect(overCap, 'an append past the cap was taken').toBe(false);
    } catch (err) {
      if (err instanceof SpillBufferFullError) {
        if (!m.corrupted) expect(overCap, `refused under the cap: ${err.message}`).toBe(true);
      } else if (!(m.diskFull && err instanceof SpillDiskFullError)) throw err;
    }
    verify(m, r);
  }
  toString = () => `append(${this.count}×${this.size})`;
}

class Peek implements fc.Command<Model, Real> {
  constructor(readonly limit: number) {}
  check = (m: Readonly<Model>) => m.held === null;
  run(m: Model, r: Real): void {
    let chunk;
    try {
      chunk = r.buffer.peek(this.limit);
    } catch (err) {
      if (m.diskFull && isDiskFull(err)) return;
      throw err;
    }
    if (chunk.length > 0) m.held = { texts: new Set(chunk.map((c) => c.record)), lastSeq: chunk[chunk.length - 1].seq };
    verify(m, r);
  }
  toString = () => `peek(${this.limit})`;
}

class Ack implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.held !== null;
  run(m: Model, r: Real): void {
    const held = m.held!;
    try {
      r.buffer.ack(held.lastSeq);
    } catch (err) {
      if (m.diskFull && isDiskFull(err)) return; // not acknowledged: the drain delivers the chunk again
      throw err;
    }
    m.queue = m.queue.filter((t) => !held.texts.has(t));
    m.held = null;
    verify(m, r);
  }
  toString = () => 'ack';
}

class Reopen implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => !m.diskFull;
  run(m: Model, r: Real): void {
    m.lostBefore += r.buffer.stats().lostRecords;
    r.buffer.close();
    r.buffer = open(r.path).buffer;
    m.held = null; // a restarted drain takes its chunk again
    verify(m, r);
  }
  toString = () => 'reopen';
}

class DiskFull implements fc.Command<Model, Real> {
  constructor(readonly leaveBytes: number) {}
  check = () => true;
  run(m: Model, r: Real): void {
    disk.fillLeaving(this.leaveBytes);
    m.diskFull = true;
    verify(m, r);
  }
  toString = () => `diskFull(leave ${this.leaveBytes})`;
}

class DiskFree implements fc.Command<Model, Real> {
  check = (m: Readonly<Model>) => m.diskFull;
  run(m: Model, r: Real): void {
    disk.emptyFiller();
    m.diskFull = false;
    verify(m, r);
  }
  toString = () => 'diskFree';
}

class CorruptPage implements fc.Command<Model, Real> {
  constructor(
    readonly file: 'db' | 'wal',
    readonly where: number,
    readonly length: number,
    readonly seed: number,
  ) {}
  check = () => true;
  run(m: Model, r: Real): void {
    const path = this.file === 'db' ? r.path : `${r.path}-wal`;
    if (!existsSync(path)) return;
    const size = statSync(path).size;
    if (size < PAGE) return;
    const offset = Math.floor(this.where * (size - this.length));
    const garbage = Buffer.alloc(this.length);
    for (let i = 0, x = this.seed; i < garbage.length; i++) garbage[i] = x = (x * 1103515245 + 12345) & 0xff;
    const fd = openSync(path, 'r+');
    writeSync(fd, garbage, 0, garbage.length, offset);
    closeSync(fd);
    m.corrupted = true;
    verify(m, r);
  }
  toString = () => `corrupt(${this.file} at ${this.where.toFixed(3)}, ${this.length} bytes)`;
}

const append = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 600 })).map(([n, s]) => new Append(n, s));
const peek = fc.integer({ min: 1, max: 60 }).map((n) => new Peek(n));
// Listed twice: the queue operations come up twice as often as the faults.
const commands = [
  append,
  append,
  peek,
  peek,
  fc.constant(new Ack()),
  fc.constant(new Ack()),
  fc.constant(new Reopen()),
  fc.integer({ min: 0, max: 32 * 1024 }).map((n) => new DiskFull(n)),
  fc.constant(new DiskFree()),
  fc
    .tuple(
      fc.constantFrom('db' as const, 'wal' as const),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.constantFrom(1, 16, 512, PAGE),
      fc.nat(),
    )
    .map(([f, w, l, s]) => new CorruptPage(f, w, l, s)),
];

/** SPILL_MODEL_SEED, SPILL_MODEL_PATH and SPILL_MODEL_REPLAY (seed, path, replayPath as printed on a failure) replay it. */
function replay(): { seed?: number; path?: string } {
  const seed = process.env.SPILL_MODEL_SEED;
  return seed === undefined ? {} : { seed: Number(seed), path: process.env.SPILL_MODEL_PATH };
}

let runNo = 0;
function runSequence(cmds: Iterable<fc.Command<Model, Real>>): void {
  const dir = join(disk.dir, `run-${runNo++}`);
  const path = join(dir, 'buffer.sqlite');
  const real: Real = { buffer: open(path).buffer, path };
  const model: Model = { queue: [], held: null, vanished: 0, lostBefore: 0, corrupted: false, diskFull: false, nextId: 1 };
  try {
    fc.modelRun(() => ({ model, real }), cmds);
    // Space back, one last restart: still nothing missing beyond what was counted.
    disk.emptyFiller();
    model.diskFull = false;
    try {
      new Reopen().run(model, real);
    } catch (err) {
      // Once seen in CI and never here: the disk full with the filler gone. Say what holds it.
      throw new Error(`${(err as Error).message} [after emptying the filler: ${diskReport()}]`, { cause: err });
    }
  } finally {
    real.buffer.close();
    disk.emptyFiller();
    rmSync(dir, { recursive: true, force: true });
  }
  // A handle left open on a failed path holds the space of a deleted file until GC closes it,
  // and a later sequence finds the small disk full with nothing on it.
  expect(openFilesUnder(dir), 'files the buffer left open after close()').toEqual([]);
}

function diskReport(): string {
  const files = readdirSync(disk.dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => `${join(e.parentPath, e.name).slice(disk.dir.length + 1)} ${statSync(join(e.parentPath, e.name)).size}`);
  return `${disk.free()} bytes free; files: ${files.join(', ')}; open: ${openFilesUnder(disk.dir).join(', ')}`;
}

function openFilesUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`${dir}/`)) open.push(target);
    } catch {
      // closed between the listing and the read
    }
  }
  return open;
}

describe('spill buffer, model-based', () => {
  it(`keeps every appended record, in order, until it is acknowledged or counted lost (${RUNS} sequences)`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 20, replayPath: process.env.SPILL_MODEL_REPLAY }), async (cmds) => {
        await new Promise((r) => setImmediate(r)); // let the test runner's messages through between sequences
        runSequence(cmds);
      }),
      { numRuns: RUNS, ...replay() },
    );
    expect(readdirSync(disk.dir).filter((f) => f.startsWith('run-'))).toEqual([]);
  }, 600_000);
});
