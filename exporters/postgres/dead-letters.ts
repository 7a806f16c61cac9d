// Records PostgreSQL refuses for a permanent reason go to dead_letters with the reason and the
// SQLSTATE, never silently dropped. A refused batch is split in halves until the refused records
// are alone, so one bad event costs O(log n) extra transactions and its neighbours still land.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from 'pino';
import { itemKey, itemRecordType, type ExportItem } from './export-item.ts';
import { classifyWriteError } from './write-error.ts';

export interface DeadLetter {
  /** The item, or the spill text that could not be read back as one. */
  item: ExportItem | { unreadable: string };
  reason: string;
  errorCode: string | null;
}

export interface DeliveryResult {
  written: number;
  deadLettered: number;
}

/**
 * Writes the items with `write`; on a permanent failure, splits to find the refused items and
 * dead-letters them. A retryable failure is thrown (the caller spills or retries the whole lot;
 * what was written already is absorbed by the idempotent writes).
 */
export async function writeOrDeadLetter(
  items: readonly ExportItem[],
  write: (items: readonly ExportItem[]) => Promise<void>,
  deadLetter: (letters: DeadLetter[]) => Promise<void>,
): Promise<DeliveryResult> {
  if (items.length === 0) return { written: 0, deadLettered: 0 };
  try {
    await write(items);
    return { written: items.length, deadLettered: 0 };
  } catch (err) {
    const failure = classifyWriteError(err);
    if (failure.retryable) throw err;
    if (items.length === 1) {
      await deadLetter([{ item: items[0], reason: failure.message, errorCode: failure.code }]);
      return { written: 0, deadLettered: 1 };
    }
    const mid = items.length >>> 1;
    const left = await writeOrDeadLetter(items.slice(0, mid), write, deadLetter);
    const right = await writeOrDeadLetter(items.slice(mid), write, deadLetter);
    return { written: left.written + right.written, deadLettered: left.deadLettered + right.deadLettered };
  }
}

/** Inserts dead letters; the id is derived from the content, so a re-delivered failure is kept once. */
export async function insertDeadLetters(
  pool: pg.Pool,
  source: string,
  agentInstance: string | null,
  letters: DeadLetter[],
  logger: Logger,
): Promise<void> {
  for (const letter of letters) {
    const { recordType, recordKey, record } = describe(letter);
    const id = uuidFrom(`${source}\n${recordType}\n${recordKey ?? ''}\n${letter.errorCode ?? ''}\n${record}`);
    await pool.query(
      `INSERT INTO dead_letters (dead_letter_id, source, record_type, record_key, record, reason, error_code, agent_instance)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (dead_letter_id) DO NOTHING`,
      [id, source, recordType, recordKey && storableText(recordKey), record, storableText(letter.reason), letter.errorCode, agentInstance],
    );
    logger.error(
      { recordType, recordKey, errorCode: letter.errorCode, reason: letter.reason },
      'PostgreSQL refused a record for good; it was kept in dead_letters with the reason. Query dead_letters to inspect it.',
    );
  }
}

function describe(letter: DeadLetter): { recordType: string; recordKey: string | null; record: string } {
  const { item } = letter;
  if ('unreadable' in item) return { recordType: 'spill_record', recordKey: null, record: storableJson({ text: item.unreadable }) };
  return {
    recordType: itemRecordType(item),
    recordKey: itemKey(item),
    record: storableJson(item.value),
  };
}

// jsonb refuses NUL characters and lone surrogates, which are often exactly why a record was
// refused; replacing them with U+FFFD keeps the rest of the record readable.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function storableText(text: string): string {
  return text.replace(UNSTORABLE, '\ufffd');
}

function storableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? storableText(v) : v));
}

function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
