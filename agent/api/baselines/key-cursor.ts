// Keyset cursors for lists ordered by profile key (provider, model, route, team): the last key of
// the page, opaque to clients.
import { z } from 'zod';
import { storableText } from '../../core/model/storable-text.ts';

export type ProfileKeyTuple = [string, string, string, string];

const Payload = z.strictObject({ v: z.literal(1), k: z.tuple([z.string(), z.string(), z.string(), z.string()]) });

export function encodeKeyCursor(key: ProfileKeyTuple): string {
  return Buffer.from(JSON.stringify({ v: 1, k: key }), 'utf8').toString('base64url');
}

/** The key a cursor holds, or null when the text is not a cursor this API issued. */
export function decodeKeyCursor(text: string): ProfileKeyTuple | null {
  if (!/^[A-Za-z0-9_-]{1,2000}$/.test(text)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = Payload.safeParse(json);
  // Compared with stored keys in SQL: text PostgreSQL cannot hold would fail the query, not miss.
  return parsed.success ? (parsed.data.k.map(storableText) as ProfileKeyTuple) : null;
}

export const keyCursorParameter = () =>
  z
    .string()
    .refine((s) => decodeKeyCursor(s) !== null, {
      error: 'not a cursor this API issued; pass next_cursor from the previous page unchanged',
    })
    .describe('Continue after the previous page: its next_cursor, unchanged. Omit for the first page.');
