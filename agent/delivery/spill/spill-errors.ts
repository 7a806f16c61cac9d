// Why a spill append was refused. Both mean "nothing was written": the caller still holds the
// records and decides what to do (the postgres exporter closes intake with backpressure).
import { statfsSync } from 'node:fs';

/** The append would take the buffer past its configured byte cap. */
export class SpillBufferFullError extends Error {
  readonly code = 'FL_SPILL_FULL';
  constructor(
    readonly path: string,
    /** Bytes held now. */
    readonly bytes: number,
    /** Bytes the refused records need. */
    readonly neededBytes: number,
    readonly maxBytes: number,
  ) {
    super(
      `The spill buffer ${path} holds ${bytes} of its ${maxBytes} bytes and cannot take ${neededBytes} more; ` +
        'it frees space as it drains. Raise max_bytes if the backlog is expected.',
    );
    this.name = 'SpillBufferFullError';
  }
}

/** The disk under the buffer is full (SQLITE_FULL / ENOSPC). */
export class SpillDiskFullError extends Error {
  readonly code = 'FL_SPILL_DISK_FULL';
  constructor(
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`The disk holding the spill buffer ${path} is full; free space on that volume or move the buffer (path).`, options);
    this.name = 'SpillDiskFullError';
  }
}

/**
 * SQLite errors that mean "no space left", from better-sqlite3 (code) or the OS (errno text). SQLite
 * reports some of them as I/O errors (the WAL index or the WAL cannot grow: SQLITE_IOERR_SHMSIZE,
 * _WRITE, _FSYNC…); with `dir`, such an error counts as a full disk when that volume has no room.
 */
export function isDiskFull(err: unknown, dir?: string): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (e.code === 'SQLITE_FULL' || e.code === 'ENOSPC') return true;
  if (typeof e.message === 'string' && /ENOSPC|database or disk is full/i.test(e.message)) return true;
  return dir !== undefined && typeof e.code === 'string' && e.code.startsWith('SQLITE_IOERR') && hasNoRoom(dir);
}

/** Less than a page or two left for writers like us (root's reserved blocks do not count). */
function hasNoRoom(dir: string): boolean {
  try {
    const s = statfsSync(dir);
    return Number(s.bavail) * Number(s.bsize) < 64 * 1024;
  } catch {
    return false;
  }
}

/** SQLite errors that mean the file is not a usable database (quarantine it). */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'));
}
