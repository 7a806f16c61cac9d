// Where an OTLP/JSON body stops being valid JSON, for the 400 message. V8 (Node 20) leaves the
// position out of "Unexpected token" and "Unexpected end" errors, so it is found here.

/** Bodies longer than this are not searched: the search re-parses prefixes of the body. */
const MAX_SEARCHED_CHARS = 1 << 20;

/** A description of why `text` is not JSON, naming the character position when it can. */
export function describeJsonSyntaxError(text: string, err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  if (/position \d+/.test(reason)) return reason;
  if (/end of JSON input/.test(reason)) return `${reason} at position ${text.length}`;
  const position = text.length <= MAX_SEARCHED_CHARS ? firstBadPosition(text) : -1;
  return position >= 0 ? `${reason} at position ${position}` : `${reason} (the body is ${text.length} characters long)`;
}

/**
 * The shortest prefix that fails for a reason other than ending too early ends at the first bad
 * character: every shorter prefix is merely incomplete. Binary search over prefix lengths.
 */
function firstBadPosition(text: string): number {
  let lo = 1;
  let hi = text.length;
  if (!failsBeforeEnd(text.slice(0, hi))) return -1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (failsBeforeEnd(text.slice(0, mid))) hi = mid;
    else lo = mid + 1;
  }
  return hi - 1;
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (err) {
    const message = err instanceof Error ? err.message : '';
    if (/end of JSON input/.test(message)) return false;
    // Some incomplete inputs are reported at their end ("Expected property name … at position 1").
    const at = /position (\d+)/.exec(message);
    return !(at && Number(at[1]) >= prefix.length);
  }
}
