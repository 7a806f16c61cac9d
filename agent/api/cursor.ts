// Opaque keyset cursors for lists ordered by (time DESC, id DESC). The cursor carries the last
// item's key: its time in whole microseconds since the epoch (PostgreSQL's precision, which a JS
// Date would round away and so skip or repeat rows that differ below a millisecond) and its id.
import { z } from 'zod';
import { storableText } from '../core/model/storable-text.ts';

export interface KeysetPosition {
  /** Microseconds since the Unix epoch, as a decimal string (exact; beyond Number's ms precision). */
  atMicros: string;
  id: string;
}

const Payload = z.strictObject({ v: z.literal(1), t: z.string().regex(/^-?[0-9]{1,18}$/), id: z.string().min(1).max(200) });

export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(JSON.stringify({ v: 1, t: position.atMicros, id: position.id }), 'utf8').toString('base64url');
}

/** The position a cursor holds, or null when the text is not a cursor this API issued. */
export function decodeCursor(text: string): KeysetPosition | null {
  if (!/^[A-Za-z0-9_-]{1,400}$/.test(text)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null; // not JSON: not ours
  }
  const parsed = Payload.safeParse(json);
  // A forged id may hold text PostgreSQL refuses; the stored ids never do.
  return parsed.success ? { atMicros: parsed.data.t, id: storableText(parsed.data.id) } : null;
}

/** The position of an item whose time holds whole milliseconds (an ISO 8601 string). */
export function millisecondPosition(isoTime: string, id: string): KeysetPosition {
  return { atMicros: (BigInt(Date.parse(isoTime)) * 1000n).toString(), id };
}

/** A position's time as ISO 8601, exact for lists whose times hold whole milliseconds. */
export function positionTime(position: KeysetPosition): string {
  return new Date(Number(BigInt(position.atMicros) / 1000n)).toISOString();
}

/** The `cursor` query parameter: a value of next_cursor from a previous page, unchanged. */
export const cursorParameter = () =>
  z
    .string()
    .refine((s) => decodeCursor(s) !== null, { error: 'not a cursor this API issued; pass next_cursor from the previous page unchanged' })
    .describe('Continue after the previous page: its next_cursor, unchanged. Omit for the first page.');
