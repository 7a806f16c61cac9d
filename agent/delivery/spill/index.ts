// The spill buffer: a durable FIFO of text records on SQLite, for exporters that must not lose
// what they could not deliver yet (postgres, alert notifications).
export { openSpillBuffer, RECORD_OVERHEAD_BYTES } from './spill-buffer.ts';
export type { OpenedSpillBuffer, SpillBuffer, SpillBufferOptions, SpillRecord, SpillStats } from './spill-buffer.ts';
export { SpillBufferFullError, SpillDiskFullError } from './spill-errors.ts';
export type { Quarantined } from './quarantine.ts';
