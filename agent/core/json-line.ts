// JSON for one item per line: bigint as a decimal string, bytes as base64 (JSON has neither).
export function toJsonLine(item: unknown): string {
  return JSON.stringify(item, replacer) + '\n';
}

/**
 * The same for items of the normalized model (calls, events, incidents…), which hold neither:
 * without a replacer JSON.stringify keeps to its fast path (a replacer is called for every key).
 * A bigint that got there anyway throws, and the item goes the careful way.
 */
export function toPlainJsonLine(item: unknown): string {
  try {
    return JSON.stringify(item) + '\n';
  } catch {
    return toJsonLine(item);
  }
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  return value;
}
